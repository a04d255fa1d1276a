from django import forms
from django.utils.translation import gettext_lazy as _

from lti.models import LtiPlatform


class PlatformForm(forms.ModelForm):
    deployment_ids = forms.CharField(
        label=_("Deployment ids"), max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, as the LMS shows them after adding the tool."),
    )

    class Meta:
        model = LtiPlatform
        fields = ["name", "issuer", "client_id", "auth_login_url", "auth_token_url", "auth_audience", "key_set_url"]

    def clean(self):
        cleaned = super().clean()
        issuer, client_id = cleaned.get("issuer"), cleaned.get("client_id")
        if issuer and client_id and LtiPlatform.objects.filter(issuer=issuer, client_id=client_id).exists():
            self.add_error("client_id", _("This LMS (issuer and client id) is already registered."))
        return cleaned
