from django import forms
from django.utils.translation import gettext_lazy as _

from review.models import ReviewSettings


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = ReviewSettings
        fields = ["daily_cap", "participation_credit"]
        widgets = {"daily_cap": forms.NumberInput(attrs={"min": 1, "max": 200})}

    def clean_daily_cap(self):
        cap = self.cleaned_data["daily_cap"]
        if not 1 <= cap <= 200:
            raise forms.ValidationError(_("Choose between 1 and 200 reviews a day."))
        return cap
