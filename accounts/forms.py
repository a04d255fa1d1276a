from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _


class InvitationAcceptForm(SetPasswordForm):
    """The invited person's name (kept when a password is refused) and a password Django's validators accept."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)

    field_order = ["first_name", "last_name", "new_password1", "new_password2"]
