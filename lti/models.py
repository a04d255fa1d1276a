"""LTI 1.3 tool records: the platforms we trust, our keys, and what each launch linked.

Everything the LMS tells us is keyed the way the specification keys it:
a person is (issuer, sub), a course is (platform, context id), a placement is
(context, resource link id). Scores leave through `LtiScore`, an outbox.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LtiToolKey(models.Model):
    """An RSA key pair of this tool. The active one signs; retired ones stay in the JWKS for a while."""

    kid = models.CharField(_("key id"), max_length=64, unique=True)
    private_key = models.TextField(_("private key (PEM)"))
    public_jwk = models.JSONField(_("public key (JWK)"))
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tool key")
        verbose_name_plural = _("tool keys")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="lti_one_active_tool_key"),
        ]

    def __str__(self) -> str:
        return self.kid


class LtiPlatform(models.Model):
    """A registered LMS (issuer + client id), and the course its launches open."""

    name = models.CharField(_("name"), max_length=200)
    issuer = models.URLField(_("issuer"), max_length=255)
    client_id = models.CharField(_("client id"), max_length=255)
    auth_login_url = models.URLField(_("authentication (OIDC) URL"), max_length=500)
    auth_token_url = models.URLField(_("access token URL"), max_length=500)
    auth_audience = models.CharField(
        _("token audience"), max_length=500, blank=True, help_text=_("Empty: the access token URL (Moodle, Canvas).")
    )
    key_set_url = models.URLField(_("public keyset (JWKS) URL"), max_length=500)
    course = models.ForeignKey(
        "courses.Course", on_delete=models.CASCADE, related_name="lti_platforms", verbose_name=_("course")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LTI platform")
        verbose_name_plural = _("LTI platforms")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "client_id"], name="lti_platform_issuer_client_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class LtiDeployment(models.Model):
    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="deployments")
    deployment_id = models.CharField(_("deployment id"), max_length=255)

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        constraints = [
            models.UniqueConstraint(fields=["platform", "deployment_id"], name="lti_deployment_unique"),
        ]

    def __str__(self) -> str:
        return self.deployment_id


class LtiUserLink(models.Model):
    """The LMS account `sub` of one registration (issuer + client id) behind one of our users.

    A link belongs to the registration that made it, never to the issuer alone:
    another registration of the same issuer, with keys of its own, gets links of
    its own and can never reach this one's users (docs/decisions/0012-lti-identity-model.md).
    """

    platform = models.ForeignKey("LtiPlatform", on_delete=models.CASCADE, related_name="user_links")
    issuer = models.CharField(_("issuer"), max_length=255)
    sub = models.CharField(_("subject"), max_length=255)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lti_links")
    owns_account = models.BooleanField(
        _("account created by this LMS"), default=False,
        help_text=_("Only then do launches and rosters keep its names and e-mail in step with the LMS."),
    )
    claimed_email = models.CharField(
        _("e-mail given by the LMS"), max_length=254, blank=True,
        help_text=_("Set when that address already belonged to another account: the instructor sees the duplicate."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LMS account")
        verbose_name_plural = _("LMS accounts")
        constraints = [models.UniqueConstraint(fields=["platform", "sub"], name="lti_user_link_unique_per_registration")]

    def __str__(self) -> str:
        return f"{self.sub} @ {self.issuer}"


class LtiContext(models.Model):
    """An LMS course (context) mapped onto our course, with the service URLs its launches gave."""

    platform = models.ForeignKey(LtiPlatform, on_delete=models.CASCADE, related_name="contexts")
    deployment = models.ForeignKey(LtiDeployment, on_delete=models.CASCADE, related_name="contexts")
    context_id = models.CharField(_("context id"), max_length=255)
    title = models.CharField(_("title"), max_length=500, blank=True)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="lti_contexts")
    lineitems_url = models.URLField(_("line items URL"), max_length=500, blank=True)
    ags_scopes = models.JSONField(_("grade service scopes"), default=list, blank=True)
    memberships_url = models.URLField(_("roster URL"), max_length=500, blank=True)
    roster_synced_at = models.DateTimeField(_("roster synced at"), null=True, blank=True)

    class Meta:
        verbose_name = _("LMS course")
        verbose_name_plural = _("LMS courses")
        constraints = [models.UniqueConstraint(fields=["platform", "context_id"], name="lti_context_unique")]

    def __str__(self) -> str:
        return self.title or self.context_id


class LtiMembership(models.Model):
    """This person is a member of this LMS course: they launched from it, or its roster listed them.

    Scores go only to the LMS courses a person is a member of, never to every
    LMS course bound to the course site.
    """

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="memberships")
    user_link = models.ForeignKey(LtiUserLink, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("LMS course member")
        verbose_name_plural = _("LMS course members")
        constraints = [models.UniqueConstraint(fields=["context", "user_link"], name="lti_membership_unique")]


class LtiResourceLink(models.Model):
    """A placement in the LMS: it opens a lesson, its quiz, or (no lesson) the course page."""

    class Target(models.TextChoices):
        COURSE = "course", _("Course page")
        LESSON = "lesson", _("Lesson")
        QUIZ = "quiz", _("Quiz")

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="resource_links")
    resource_link_id = models.CharField(_("resource link id"), max_length=255)
    title = models.CharField(_("title"), max_length=500, blank=True)
    target = models.CharField(_("opens"), max_length=10, choices=Target.choices, default=Target.COURSE)
    lesson = models.ForeignKey("lessons.Lesson", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("LMS placement")
        verbose_name_plural = _("LMS placements")
        constraints = [
            models.UniqueConstraint(fields=["context", "resource_link_id"], name="lti_resource_link_unique"),
        ]

    def __str__(self) -> str:
        return self.title or self.resource_link_id


def _quiz_or_manual_item(name: str) -> models.CheckConstraint:
    """Exactly one of a lesson quiz and an instructor's manual grade item."""
    return models.CheckConstraint(
        condition=(Q(quiz__isnull=False) & Q(manual_item__isnull=True)) | (Q(quiz__isnull=True) & Q(manual_item__isnull=False)),
        name=name,
    )


class LtiLineItem(models.Model):
    """The LMS gradebook column of one lesson quiz, or of one manual grade item, in one LMS course."""

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="line_items")
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    manual_item = models.ForeignKey("gradebook.ManualItem", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    url = models.URLField(_("line item URL"), max_length=500)

    class Meta:
        verbose_name = _("LMS grade column")
        verbose_name_plural = _("LMS grade columns")
        constraints = [
            models.UniqueConstraint(fields=["context", "quiz"], name="lti_line_item_unique"),
            models.UniqueConstraint(fields=["context", "manual_item"], name="lti_line_item_manual_unique"),
            _quiz_or_manual_item("lti_line_item_one_column"),
        ]

    def __str__(self) -> str:
        return self.url


class LtiScore(models.Model):
    """Outbox: this person's grade for this quiz must reach this LMS course.

    One row per (context, quiz, person): a new attempt, a regrade or an override
    puts the row back to pending, and the sender reads the grade as it is when it
    sends, so the LMS always ends with the latest value. A platform that is down
    only delays the row (growing back-off); nothing is ever dropped.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        # The LMS refused it for good (4xx other than 401/429): retrying would only repeat the refusal.
        FAILED = "failed", _("Refused by the LMS")

    context = models.ForeignKey(LtiContext, on_delete=models.CASCADE, related_name="scores")
    quiz = models.ForeignKey("quizzes.Quiz", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    # Or an instructor's manual grade item (a team project, an exam): its own LMS column.
    manual_item = models.ForeignKey("gradebook.ManualItem", on_delete=models.CASCADE, related_name="+", null=True, blank=True)
    user_link = models.ForeignKey(LtiUserLink, on_delete=models.CASCADE, related_name="scores")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    tries = models.PositiveIntegerField(_("failed tries"), default=0)
    next_try_at = models.DateTimeField(_("next try at"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    sent_score = models.DecimalField(_("score sent (%)"), max_digits=6, decimal_places=2, null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score to send")
        verbose_name_plural = _("scores to send")
        constraints = [
            models.UniqueConstraint(fields=["context", "quiz", "user_link"], name="lti_score_one_per_person_quiz"),
            models.UniqueConstraint(fields=["context", "manual_item", "user_link"], name="lti_score_one_per_person_item"),
            _quiz_or_manual_item("lti_score_one_column"),
        ]
        indexes = [models.Index(fields=["status", "next_try_at"])]

    def __str__(self) -> str:
        return f"{self.user_link} – {self.quiz or self.manual_item}"


class LtiNonce(models.Model):
    """Each launch nonce is accepted once: a replayed id_token hits this unique constraint."""

    issuer = models.CharField(max_length=255)
    nonce = models.CharField(max_length=255)
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["issuer", "nonce"], name="lti_nonce_once")]


class LtiLaunchData(models.Model):
    """pylti1p3's short-lived login state (nonce, state, launch data), shared by every web process."""

    key = models.CharField(max_length=255, unique=True)
    value = models.JSONField()
    expires_at = models.DateTimeField(db_index=True)


class LtiRegistrationToken(models.Model):
    """A one-time URL an instructor gives their LMS for LTI Advantage Dynamic Registration, bound to one course.

    The LMS opens `/lti/register/?token=…` (adding its openid_configuration and
    registration_token); the first registration that completes spends it.
    """

    token = models.CharField(max_length=64, unique=True)
    course = models.ForeignKey("courses.Course", on_delete=models.CASCADE, related_name="lti_registration_tokens")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    platform = models.ForeignKey(LtiPlatform, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("dynamic registration URL")
        verbose_name_plural = _("dynamic registration URLs")
        constraints = [
            models.CheckConstraint(
                condition=Q(used_at__isnull=True) | Q(used_at__lte=models.F("expires_at")),
                name="lti_registration_token_used_before_expiry",
            ),
        ]
