from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    DUE_SOON = "due_soon", _("Quiz due soon")
    OVERDUE = "overdue", _("Quiz overdue")
    INACTIVITY = "inactivity", _("Inactivity nudge")
    REPLIES = "replies", _("New replies in followed threads")
    INSTRUCTOR_DIGEST = "instructor_digest", _("Weekly digest for instructors")
    STUDENT_SUMMARY = "student_summary", _("Weekly summary for students")
    REVIEWS = "reviews", _("Reviews to do")
    INVITATION = "invitation", _("Invitation to the course site")
    INVITATION_REMINDER = "invitation_reminder", _("Reminder of an invitation")
    # Notices (notifications.Notification.Kind, same values) whose e-mail a person may turn off.
    ESSAY_GRADED = "essay_graded", _("Essay graded")
    POST_HIDDEN = "post_hidden", _("One of my messages hidden by the teaching team")
    OVERRIDE_GRANTED = "override_granted", _("My own dates for a quiz")
    GRADE_ENTERED = "grade_entered", _("A grade entered by the instructor")


# The notices e-mailed one by one from notifications.Notification rows (replies are batched per thread).
NOTICE_KINDS = (Kind.ESSAY_GRADED, Kind.POST_HIDDEN, Kind.OVERRIDE_GRANTED, Kind.GRADE_ENTERED)


# The invitation itself is the account's way in: it always goes (an instructor's resend too); its
# unsubscribe link stops the invitation reminders.
UNSUBSCRIBE_KIND = {Kind.INVITATION: Kind.INVITATION_REMINDER}


class Reminder(models.Model):
    """One decided e-mail: the outbox row and the proof that it was decided once.

    The unique key (person, kind, object, window) is written in the same
    transaction that decides the reminder and before anything is sent, so a
    retried task, a beat that fires twice or two workers sweeping together
    cannot decide it twice. Sending reads pending rows and marks them sent.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("To send")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Not sent (opted out)")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_key = models.CharField(_("about"), max_length=100, help_text=_("e.g. quiz:12, course:3, thread:40"))
    window = models.CharField(_("window"), max_length=40, help_text=_("e.g. 48h, 24h, 2026-W47, an hour"))
    context = models.JSONField(_("context"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "object_key", "window"], name="reminder_once_per_window"),
            models.CheckConstraint(condition=~Q(status="sent") | Q(sent_at__isnull=False), name="reminder_sent_has_date"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.user} ({self.object_key}, {self.window})"


class EmailOptOut(models.Model):
    """A kind of reminder a person chose not to receive; every sweep and every send respects it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_opt_outs")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("e-mail opt-out")
        verbose_name_plural = _("e-mail opt-outs")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="opt_out_once_per_kind")]
