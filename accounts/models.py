from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
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


class Invitation(models.Model):
    """An invitation to choose a password for an account the site created (CSV, enrol one, admin bulk).

    The e-mailed link carries a signature over (id, nonce): forging it needs the SECRET_KEY, and the
    link itself is never stored. It is single-use (`used_at`), expires (`expires_at`), and a newer
    invitation for the same account revokes the older ones (`revoked_at`).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("invited by"),
    )
    # What the e-mail names and where the accepted link lands; plain values so this app imports no course app.
    course_title = models.CharField(_("course"), max_length=200, blank=True)
    landing_path = models.CharField(_("lands on"), max_length=300, default="/")
    nonce = models.CharField(max_length=64, editable=False)
    # Set by the service (its `now`), so the expiry and the reminders' spacing count from the same instant.
    created_at = models.DateTimeField(_("invited at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    used_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("replaced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(condition=models.Q(expires_at__gt=models.F("created_at")), name="invitation_expires_after_creation"),
            # At most one open invitation per account: sending a new one closes the older.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(used_at__isnull=True, revoked_at__isnull=True), name="invitation_one_open_per_user",
            ),
        ]
        indexes = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.user} ({self.created_at:%Y-%m-%d})"

    def is_open(self, now) -> bool:
        return self.used_at is None and self.revoked_at is None and self.expires_at > now


class OidcIdentity(models.Model):
    """A school account (OpenID Connect issuer + subject) linked to a site account.

    The link is made once, on a first sign-in that matched an invited account by the provider's
    verified e-mail; afterwards only the subject counts (an e-mail can change, `sub` does not).
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="oidc_identities")
    issuer = models.CharField(_("issuer"), max_length=255)
    sub = models.CharField(_("subject"), max_length=255)
    email = models.CharField(_("e-mail address at linking"), max_length=254, blank=True)
    created_at = models.DateTimeField(_("linked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("school sign-in")
        verbose_name_plural = _("school sign-ins")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "sub"], name="oidc_identity_one_per_subject"),
            models.UniqueConstraint(fields=["issuer", "user"], name="oidc_identity_one_per_user_and_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ← {self.issuer} {self.sub}"
