from django import forms
from django.utils.translation import gettext_lazy as _

from lti.models import LtiPlatform
from lti.outbound import UrlRefused, url_check


class PlatformForm(forms.ModelForm):
    deployment_ids = forms.CharField(
        label=_("Deployment ids"), max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line, as the LMS shows them after adding the tool."),
    )

    class Meta:
        model = LtiPlatform
        fields = ["name", "issuer", "client_id", "auth_login_url", "auth_token_url", "auth_audience", "key_set_url"]

    def __init__(self, *args, user, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.course = user, course

    def clean(self):
        cleaned = super().clean()
        issuer, client_id = cleaned.get("issuer"), cleaned.get("client_id")
        if issuer and client_id and LtiPlatform.objects.filter(issuer=issuer, client_id=client_id).exists():
            self.add_error("client_id", _("This LMS (issuer and client id) is already registered."))
        elif issuer and not self.user.is_superuser and (
            LtiPlatform.objects.filter(issuer=issuer).exclude(course=self.course).exists()
        ):
            # Another course's LMS: a second registration of its issuer, with keys of its own, is for a site
            # administrator to make (in the admin), never for the instructor of another course.
            self.add_error("issuer", _("Another course already uses this LMS. Ask the site's administrators to register it for this course."))
        for field in ("auth_login_url", "auth_token_url", "key_set_url"):
            if cleaned.get(field):
                try:
                    url_check(cleaned[field], unknown_host_ok=True)
                except UrlRefused:
                    self.add_error(field, _("The course site does not call this address (local or private network)."))
        return cleaned
