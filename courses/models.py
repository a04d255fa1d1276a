from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Course(models.Model):
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=settings.TIME_ZONE,
        help_text=_("Due dates are shown to everyone in this zone."),
    )
    reminder_hours_before_due = models.JSONField(
        _("reminders before a due date (hours)"),
        default=list,
        blank=True,
        help_text=_("Students without a submitted attempt are reminded this many hours before a quiz is due, e.g. [48, 24]."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="course_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def due_reminder_hours(self) -> list[int]:
        """The hours before a due date at which students are reminded, largest first (default 48 and 24)."""
        hours = self.reminder_hours_before_due or [48, 24]
        return sorted({int(h) for h in hours if int(h) > 0}, reverse=True)


class Enrollment(models.Model):
    """A person's role in one course; the same person may teach one course and follow another."""

    class Role(models.TextChoices):
        STUDENT = "student", _("Student")
        TEACHING_ASSISTANT = "ta", _("Teaching assistant")
        INSTRUCTOR = "instructor", _("Instructor")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrollments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrollments")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.STUDENT)
    group = models.CharField(
        _("group"), max_length=50, blank=True, help_text=_("Optional section or team, used to filter the gradebook.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="enrollment_one_per_course_and_user"),
            models.CheckConstraint(
                condition=models.Q(role__in=["student", "ta", "instructor"]), name="enrollment_role_known"
            ),
        ]
        indexes = [models.Index(fields=["course", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.course} ({self.get_role_display()})"

    @property
    def is_staff_role(self) -> bool:
        """Instructors and teaching assistants see everyone's work in the course."""
        return self.role in (self.Role.INSTRUCTOR, self.Role.TEACHING_ASSISTANT)
