from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Course


class StudioAuditLog(models.Model):
    """One line per change made in the studio: who, when, what (and from what to what). Never edited."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="studio_audit_log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=40)
    target = models.CharField(_("what"), max_length=300, blank=True)
    # {"field": [old, new], ...} or the action's own facts (counts, e-mails, slugs).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("studio audit entry")
        verbose_name_plural = _("studio audit trail")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["course", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.course} – {self.action} {self.target}"
