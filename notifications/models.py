from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice, which is also the outbox of its e-mail.

    Written in the same transaction as the action that causes it; the e-mail
    goes out later from this row (`emailed_at` empty = still to send), so a
    broker that is down when a student posts delays the e-mail but never loses it.
    """

    class Kind(models.TextChoices):
        REPLY = "reply", _("New reply in a followed thread")
        ESSAY_GRADED = "essay_graded", _("Essay graded")
        POST_HIDDEN = "post_hidden", _("One of my messages hidden by the teaching team")
        OVERRIDE_GRANTED = "override_granted", _("My own dates for a quiz")
        GRADE_ENTERED = "grade_entered", _("A grade entered by the instructor")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # The object the notice is about, e.g. "discussions.thread:12"; used to batch e-mails per thread.
    subject_key = models.CharField(_("about"), max_length=100)
    # What the text quotes, e.g. "discussions.post:40": hiding that post takes its text out of the notice.
    source_key = models.CharField(_("source"), max_length=100, blank=True, db_index=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    email_wanted = models.BooleanField(default=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["user", "read_at"]),
            models.Index(fields=["email_wanted", "emailed_at"]),
        ]
