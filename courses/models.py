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
    # An accommodation plan's « temps supplémentaire »: every timed quiz of the course gives this much more
    # time (33 = +33 %). Read only through `quizzes.dates`, the one rule of a student's quiz dates.
    extra_time_percent = models.PositiveSmallIntegerField(
        # db_default too: rows written by code that predates the column (older migrations' states) get 0.
        _("extra time (%)"), default=0, db_default=0, help_text=_("Extra time on every timed quiz of the course, e.g. 33 for +33 %.")
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
            models.CheckConstraint(condition=models.Q(extra_time_percent__lte=300), name="enrollment_extra_time_bounded"),
        ]
        indexes = [models.Index(fields=["course", "role"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.course} ({self.get_role_display()})"

    @property
    def is_staff_role(self) -> bool:
        """Instructors and teaching assistants see everyone's work in the course."""
        return self.role in (self.Role.INSTRUCTOR, self.Role.TEACHING_ASSISTANT)


class AuditEntry(models.Model):
    """One line of a course's audit trail, whatever app wrote it: who did what, when, to what, from what to
    what, and why. Never edited. Written through `courses.audit.audit_record` with a typed action; the
    studio's « Modifications récentes », a student's override history and the admin read it."""

    class Action(models.TextChoices):
        # Studio: quiz content and settings
        QUIZ_IMPORT = "quiz_import", _("Quiz imported")
        QUESTION_EDIT = "question_edit", _("Question edited")
        QUESTION_MOVE = "question_move", _("Question moved")
        QUESTION_HIDE = "question_hide", _("Question hidden")
        QUESTION_SHOW = "question_show", _("Question shown")
        QUESTION_DELETE = "question_delete", _("Question deleted")
        QUESTION_ADD = "question_add", _("Question added")
        QUESTION_RESTORE = "question_restore", _("Question restored from the trash")
        QUIZ_SETTINGS = "quiz_settings", _("Quiz settings changed")
        # Studio: lessons, people, scheme, copies
        LESSON_CREATE = "lesson_create", _("Lesson created")
        LESSON_EDIT = "lesson_edit", _("Lesson edited")
        LESSON_DELETE = "lesson_delete", _("Lesson deleted")
        LESSON_MOVE = "lesson_move", _("Lesson moved")
        PROMPT_ADD = "prompt_add", _("Prompt added")
        PROMPT_EDIT = "prompt_edit", _("Prompt changed")
        ENROL_CSV = "enrol_csv", _("People enrolled")
        ENROLLMENT_EDIT = "enrollment_edit", _("Enrolment changed")
        ENROLLMENT_REMOVE = "enrollment_remove", _("Removed from the course")
        ENROLLMENT_RESTORE = "enrollment_restore", _("Enrolment restored")
        INVITATION_RESEND = "invitation_resend", _("Invitation sent again")
        GRADING_SCHEME = "grading_scheme", _("Grading scheme changed")
        REVIEW_SETTINGS = "review_settings", _("Review settings changed")
        COURSE_COPY = "course_copy", _("Course created as a copy")
        COURSE_COPIED = "course_copied", _("Course copied")
        # Gradebook overrides
        OVERRIDE_SET = "override_set", _("Grade overridden")
        OVERRIDE_CLEAR = "override_clear", _("Grade override cleared")
        # Gradebook: the course's own categories, manual items and their grades
        GRADE_CATEGORIES = "grade_categories", _("Grade categories changed")
        MANUAL_ITEM = "manual_item", _("Manual grade item saved")
        MANUAL_ITEM_GRADE = "manual_item_grade", _("Grade entered")
        MANUAL_GRADES_IMPORT = "manual_grades_import", _("Grades imported")
        # Discussion moderation
        PIN = "pin", _("Thread pinned")
        UNPIN = "unpin", _("Thread unpinned")
        LOCK = "lock", _("Thread locked")
        UNLOCK = "unlock", _("Thread unlocked")
        HIDE = "hide", _("Post hidden")
        UNHIDE = "unhide", _("Post shown again")
        ENDORSE = "endorse", _("Reply endorsed")
        UNENDORSE = "unendorse", _("Endorsement removed")
        # Quiz grading
        REGRADE = "regrade", _("Attempts regraded")
        MANUAL_GRADE = "manual_grade", _("Answer graded by hand")
        AUTO_SUBMIT = "auto_submit", _("Attempt submitted when time ran out")
        # Accommodations: a student's or a group's own quiz dates, a student's extra time
        QUIZ_OVERRIDE_SET = "quiz_override_set", _("Quiz dates set for a student or group")
        QUIZ_OVERRIDE_DELETE = "quiz_override_delete", _("Quiz dates of a student or group removed")
        EXTRA_TIME = "extra_time", _("Extra time changed")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="audit_entries")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # What was acted on, in words (a lesson's title, a question's title, an e-mail address)…
    target = models.CharField(_("what"), max_length=300, blank=True)
    # …and, where it is about one person (an override, an enrolment), that person.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("about")
    )
    # {"field": [old, new], ...} or the action's own facts (counts, slugs, an item key).
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["course", "-created_at"]),
            models.Index(fields=["course", "subject", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.course} – {self.get_action_display()} {self.target}"
