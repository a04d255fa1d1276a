from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The platform's user; custom from the first migration so fields can be added later."""

    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Language of the interface and of the e-mails sent to this person."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_language__in=[code for code, _name in settings.LANGUAGES]),
                name="user_preferred_language_known",
            ),
            # One account per e-mail address, whatever its capitals (bulk enrolment and password reset
            # find people by it); accounts without an address are not concerned.
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="user_email_unique_case_blind",
                violation_error_message=_("An account with this e-mail address already exists."),
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class PasswordResetRequest(models.Model):
    """One password-reset request, kept an hour or so to limit the e-mails per address and per client."""

    email = models.CharField(_("e-mail address"), max_length=254)  # lower-cased: the limit ignores capitals
    ip_address = models.CharField(_("client address"), max_length=45)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("password-reset request")
        verbose_name_plural = _("password-reset requests")
        indexes = [
            models.Index(fields=["email", "created_at"]),
            models.Index(fields=["ip_address", "created_at"]),
            models.Index(fields=["created_at"]),
        ]
