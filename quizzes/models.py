from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lessons.models import Lesson

# Days a retired or deleted question stays in the « Corbeille » before an unanswered one is purged.
TRASH_DAYS = 30


class Quiz(models.Model):
    """The auto-graded quiz of a lesson. Its settings are the instructor's: a content import never changes them."""

    class GradingMethod(models.TextChoices):
        HIGHEST = "highest", _("Highest attempt")
        LAST = "last", _("Last attempt")
        AVERAGE = "average", _("Average of attempts")

    class ReviewPolicy(models.TextChoices):
        AFTER_SUBMIT = "after_submit", _("Right after submitting")
        AFTER_DUE = "after_due", _("After the due date")
        NEVER = "never", _("Never")

    class LatePolicy(models.TextChoices):
        REFUSE = "refuse", _("Refuse late work")
        ACCEPT = "accept", _("Accept and mark late")

    lesson = models.OneToOneField(Lesson, on_delete=models.CASCADE, related_name="quiz")
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no time limit.")
    )
    max_attempts = models.PositiveIntegerField(
        _("attempts allowed"), null=True, blank=True, default=2, help_text=_("Empty: unlimited.")
    )
    grading_method = models.CharField(
        _("grading method"), max_length=10, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    review_policy = models.CharField(
        _("students see the correct answers"), max_length=15, choices=ReviewPolicy.choices,
        default=ReviewPolicy.AFTER_SUBMIT,
    )
    late_policy = models.CharField(_("late work"), max_length=10, choices=LatePolicy.choices, default=LatePolicy.ACCEPT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")
        constraints = [
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(due_at__isnull=True) | Q(due_at__gt=models.F("opens_at")),
                name="quiz_due_after_opening",
            ),
            models.CheckConstraint(condition=Q(max_attempts__isnull=True) | Q(max_attempts__gte=1), name="quiz_attempts_positive"),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1), name="quiz_time_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return str(self.lesson)

    # Whether a quiz is open, past due or accepts work depends on the student (overrides, extra time):
    # ask `quizzes.dates.quiz_dates_for(...)`, never these settings directly.


class QuizOverride(models.Model):
    """A student's or a group's own dates for one quiz (Moodle's user and group overrides).

    Every field left empty keeps what applies otherwise. Only `quizzes.dates` reads these rows: it
    is the one rule of which dates a student has (a student's own row beats their group's; among
    groups the most generous wins; a course-wide extra time % lengthens the time limit).
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="overrides")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="quiz_overrides",
        verbose_name=_("student"),
    )
    # The course's group (`Enrollment.group`) this row is for; empty for a student's own row.
    group = models.CharField(_("group"), max_length=50, blank=True)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), null=True, blank=True)
    max_attempts = models.PositiveIntegerField(_("attempts allowed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("quiz override")
        verbose_name_plural = _("quiz overrides")
        ordering = ["quiz", "group", "user"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(group="")) | (Q(user__isnull=True) & ~Q(group="")),
                name="quiz_override_student_or_group",
            ),
            models.UniqueConstraint(fields=["quiz", "user"], condition=Q(user__isnull=False), name="quiz_override_one_per_student"),
            models.UniqueConstraint(fields=["quiz", "group"], condition=~Q(group=""), name="quiz_override_one_per_group"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True) | Q(due_at__isnull=True) | Q(due_at__gt=models.F("opens_at")),
                name="quiz_override_due_after_opening",
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__isnull=True) | Q(max_attempts__gte=1), name="quiz_override_attempts_positive"
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__isnull=True) | Q(time_limit_minutes__gte=1),
                name="quiz_override_time_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=False) | Q(due_at__isnull=False) | Q(time_limit_minutes__isnull=False)
                | Q(max_attempts__isnull=False),
                name="quiz_override_changes_something",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} – {self.user or self.group}"


class Question(models.Model):
    """One version of a question. A re-import that changes a question with responses retires this
    version and creates the next one, so attempts keep showing what the student saw."""

    class Type(models.TextChoices):
        MULTICHOICE = "multichoice", _("Single choice")
        MULTICHOICE_MULTI = "multichoice_multi", _("Multiple answers")
        TRUEFALSE = "truefalse", _("True or false")
        SHORTANSWER = "shortanswer", _("Short answer")
        MATCHING = "matching", _("Matching")
        NUMERICAL = "numerical", _("Numerical")
        ESSAY = "essay", _("Essay")
        DESCRIPTION = "description", _("Description")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="questions")
    key = models.CharField(_("key"), max_length=255, help_text=_("Identifies the question across imports (its GIFT title)."))
    version = models.PositiveIntegerField(_("version"), default=1)
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=255, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    text = models.TextField(_("text"))
    text_format = models.CharField(_("text format"), max_length=10, default="moodle")
    general_feedback = models.TextField(_("general feedback"), blank=True)
    category = models.CharField(_("category"), max_length=255, blank=True)
    # Answers, pairs and options in the shape of the GIFT JSON contract, each choice with a stable id.
    data = models.JSONField(_("answers"), default=dict)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2, default=Decimal("1"))
    is_active = models.BooleanField(_("active"), default=True)
    # Hidden by the instructor: kept (and exported) but left out of new attempts.
    is_hidden = models.BooleanField(_("hidden"), default=False)
    # When this version left the quiz (retired by an import, replaced by a new version, deleted): the
    # « Corbeille » offers it back for TRASH_DAYS; an unanswered one is purged after that.
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["quiz", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "key", "version"], name="question_version_unique"),
            models.UniqueConstraint(
                fields=["quiz", "key"], condition=Q(is_active=True), name="question_one_active_version"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="question_points_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title or self.text[:60]

    @property
    def is_graded_by_hand(self) -> bool:
        return self.type == self.Type.ESSAY

    @property
    def gives_points(self) -> bool:
        return self.type != self.Type.DESCRIPTION


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="quiz_attempts")
    number = models.PositiveIntegerField(_("attempt number"))
    is_preview = models.BooleanField(
        _("preview"), default=False, help_text=_("An instructor's preview: never counted in grades.")
    )
    status = models.CharField(_("status"), max_length=15, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    deadline_at = models.DateTimeField(_("time runs out at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    # What the student was shown, in the order shown: question ids, and choice ids per question.
    layout = models.JSONField(_("layout"), default=dict)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=3, null=True, blank=True)
    max_score = models.DecimalField(_("out of"), max_digits=8, decimal_places=3, default=Decimal("0"))
    needs_grading = models.BooleanField(_("to grade"), default=False)
    # Set by the submit, in its transaction; cleared by `attempt_followups_run` in the transaction that does the
    # work that follows a grade (review cards). A broker that lost the nudge delays that work; the sweep does it.
    followups_pending = models.BooleanField(_("follow-ups pending"), default=False)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "user", "number"], name="attempt_number_unique"),
            models.UniqueConstraint(
                fields=["quiz", "user"], condition=Q(status="in_progress"), name="attempt_one_in_progress"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=models.F("max_score"))),
                name="attempt_score_in_range",
            ),
            models.CheckConstraint(
                condition=Q(status="in_progress") | Q(submitted_at__isnull=False), name="attempt_submitted_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["quiz", "status"]),
            # The sweep's query: a handful of rows at most, among millions of attempts.
            models.Index(fields=["submitted_at"], condition=Q(followups_pending=True), name="attempt_followups_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} – {self.user} #{self.number}"

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def percent(self):
        if self.score is None or not self.max_score:
            return None
        return round(100 * self.score / self.max_score, 1)


class Response(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="responses")
    answer = models.JSONField(_("answer"), null=True, blank=True)
    saved_at = models.DateTimeField(_("saved at"), default=timezone.now)
    fraction = models.DecimalField(_("fraction"), max_digits=9, decimal_places=7, null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=3, null=True, blank=True)
    grader_comment = models.TextField(_("grader's comment"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="response_one_per_question"),
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | (Q(fraction__gte=0) & Q(fraction__lte=1)),
                name="response_fraction_in_range",
            ),
        ]
