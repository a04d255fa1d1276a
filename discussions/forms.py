from django import forms
from django.utils.translation import gettext_lazy as _

from discussions.models import MAX_POST_LENGTH


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        help_text=_("Markdown: **bold**, *italics*, lists, [links](https://…). 1 to 10,000 characters."),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_POST_LENGTH,
        strip=True,
    )


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    field_order = ["title", "body"]


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to staff)"), max_length=300)
