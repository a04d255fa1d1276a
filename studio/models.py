from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Course

# The studio's audit lines are the course's (`courses.models.AuditEntry`); its own table holds the large CSV
# enrolments a worker runs.


class EnrolmentImport(models.Model):
    """A large CSV enrolment, run by a worker rather than in the request (issue 20: 20,000 accounts in
    one request). Still all or nothing: the worker calls the same service as the page, in one
    transaction; this row holds the file, the state for the progress bar and the report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting for a worker")
        RUNNING = "running", _("Enrolling")
        DONE = "done", _("Done")
        FAILED = "failed", _("Refused: nobody was enrolled")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolment_imports")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    role = models.CharField(_("role"), max_length=20)
    create_accounts = models.BooleanField(_("create accounts"), default=False)
    allow_look_alikes = models.BooleanField(_("look-alike addresses confirmed"), default=False)
    csv_text = models.TextField(_("CSV file"))
    line_count = models.PositiveIntegerField(_("lines"))
    status = models.CharField(_("state"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # {"created_users", "enrolled", "already_enrolled"} when done; {"errors": [...]} when refused.
    report = models.JSONField(_("report"), default=dict, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("CSV enrolment")
        verbose_name_plural = _("CSV enrolments")
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=["queued", "running", "done", "failed"]), name="enrolment_import_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.course} – {self.line_count} lines ({self.status})"
