from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from gradebook.computation import TOTAL_KEY, Category, default_letter_scale_json, letter_scale_from_json


def _percent(name: str) -> Q:
    return Q(**{f"{name}__gte": 0, f"{name}__lte": 100})


class GradingScheme(models.Model):
    """What counts in a course's grade and how much; the defaults apply until an instructor saves it."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="grading_scheme")
    # Whole percentages: a sum of integers is exactly 100 on every database, which a CHECK on
    # decimals computed in floating point (SQLite) would not guarantee.
    quiz_weight = models.PositiveSmallIntegerField(_("quizzes (%)"), default=70)
    participation_weight = models.PositiveSmallIntegerField(_("discussion participation (%)"), default=20)
    reading_weight = models.PositiveSmallIntegerField(_("lessons read (%)"), default=10)
    full_participation_percent = models.PositiveSmallIntegerField(
        _("credit for answering every prompt (%)"), default=100
    )
    replies_only_percent = models.PositiveSmallIntegerField(
        _("credit for replies without a prompt answered (%)"), default=50
    )
    late_penalty_percent = models.DecimalField(
        _("late penalty (%)"), max_digits=5, decimal_places=2, default=0,
        help_text=_("Taken off the score of every late attempt; 0 for none."),
    )
    letter_scale = models.JSONField(_("letter scale"), default=default_letter_scale_json)
    # The sum of the weights of the course's own categories (`GradeCategory`), kept here by
    # `gradebook.services.grade_categories_save` so the database can still check that all weights sum to 100.
    extra_weight = models.PositiveSmallIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grading scheme")
        verbose_name_plural = _("grading schemes")
        constraints = [
            models.CheckConstraint(
                condition=Q(quiz_weight=100 - F("participation_weight") - F("reading_weight") - F("extra_weight")),
                name="grading_scheme_weights_sum_to_100",
            ),
            models.CheckConstraint(
                condition=_percent("quiz_weight") & _percent("participation_weight") & _percent("reading_weight"),
                name="grading_scheme_weights_in_range",
            ),
            models.CheckConstraint(
                condition=_percent("full_participation_percent") & _percent("replies_only_percent")
                & _percent("late_penalty_percent"),
                name="grading_scheme_percents_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(self.course)

    def clean(self):
        try:
            letter_scale_from_json(self.letter_scale)
        except ValueError as exc:
            raise ValidationError({"letter_scale": str(exc)}) from exc
        if (self.quiz_weight or 0) + (self.participation_weight or 0) + (self.reading_weight or 0) + self.extra_weight != 100:
            raise ValidationError(_("The weights must add up to 100."))


ITEM_KEY_PREFIXES = tuple(f"{category.value}:" for category in Category)


class GradeOverride(models.Model):
    """An instructor's value for one cell of the gradebook (or the total); it wins until cleared."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="grade_overrides")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grade_overrides")
    # "quiz:<lesson id>", "participation:<lesson id>", "reading:<lesson id>" or "total".
    item_key = models.CharField(_("item"), max_length=40)
    value = models.DecimalField(_("grade (%)"), max_digits=5, decimal_places=2)
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("grade override")
        verbose_name_plural = _("grade overrides")
        constraints = [
            models.UniqueConstraint(fields=["course", "student", "item_key"], name="grade_override_one_per_item"),
            models.CheckConstraint(condition=_percent("value"), name="grade_override_value_in_range"),
            models.CheckConstraint(condition=~Q(reason=""), name="grade_override_has_reason"),
            models.CheckConstraint(
                condition=Q(item_key=TOTAL_KEY)
                | Q(item_key__startswith=ITEM_KEY_PREFIXES[0])
                | Q(item_key__startswith=ITEM_KEY_PREFIXES[1])
                | Q(item_key__startswith=ITEM_KEY_PREFIXES[2]),
                name="grade_override_item_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.item_key}: {self.value}"


class Standing(models.Model):
    """A student's standing in a course as `gradebook.selectors.gradebook_rows` computes it, kept up to date.

    Refreshed in the transaction of every write that changes it (attempts, regrades, overrides,
    posts, reading, scheme, enrolment; see `gradebook.standings`). What depends on the clock is
    not stored as such: `fingerprint` names the course-wide state (scheme, due dates, which are
    past due) it was computed under, and a read refreshes any row computed under another one;
    the inactivity flag compares the last activity and the enrolment with the time of the read.
    """

    enrollment = models.OneToOneField("courses.Enrollment", on_delete=models.CASCADE, related_name="standing")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="standings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="standings")
    fingerprint = models.CharField(max_length=32)
    # {item key: [state, value, computed, late, to_grade]}, decimals as strings (exact).
    items = models.JSONField(default=dict)
    category_so_far = models.JSONField(default=dict)
    total_so_far = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    total_projected = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    computed_total = models.DecimalField(max_digits=5, decimal_places=2, null=True)
    total_overridden = models.BooleanField(default=False)
    letter = models.CharField(max_length=12, blank=True)
    pending_count = models.PositiveSmallIntegerField(default=0)
    last_activity = models.DateTimeField(null=True)  # `gradebook.selectors.activity`'s rule
    # The grid's name order and search, accents folded as `gradebook.selectors.sorting.folded` does.
    name_key = models.CharField(max_length=500)
    search_text = models.TextField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("standing")
        verbose_name_plural = _("standings")
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="standing_one_per_student")]
        indexes = [
            models.Index(fields=["course", "name_key"]),
            models.Index(fields=["course", "total_so_far"]),
            models.Index(fields=["course", "last_activity"]),
            models.Index(fields=["course", "fingerprint"]),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.course_id}: {self.total_so_far}"


class GradeCategory(models.Model):
    """A category of the course's own beside the three automatic ones (« Projet d'équipe », « Examen »)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="grade_categories")
    title = models.CharField(_("title"), max_length=80)
    weight = models.PositiveSmallIntegerField(_("weight (%)"))
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("grade category")
        verbose_name_plural = _("grade categories")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "title"], name="grade_category_title_unique"),
            models.CheckConstraint(condition=_percent("weight"), name="grade_category_weight_in_range"),
            models.CheckConstraint(condition=~Q(title=""), name="grade_category_has_title"),
        ]

    def __str__(self) -> str:
        return self.title


class ManualItem(models.Model):
    """A grade the instructor enters by hand (a team project, an exam), in one of the three categories or one of
    the course's own. Its gradebook key is "manual:<id>"."""

    class BuiltIn(models.TextChoices):
        QUIZ = "quiz", _("Quizzes")
        PARTICIPATION = "participation", _("Discussion participation")
        READING = "reading", _("Lessons read")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="manual_items")
    title = models.CharField(_("title"), max_length=120)
    builtin_category = models.CharField(_("category"), max_length=20, choices=BuiltIn.choices, blank=True)
    category = models.ForeignKey(GradeCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="items")
    weight = models.PositiveSmallIntegerField(
        _("weight in its category"), default=1, help_text=_("Relative to the category's other items (a lesson counts 1).")
    )
    max_points = models.DecimalField(_("out of (points)"), max_digits=7, decimal_places=2)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("manual grade item")
        verbose_name_plural = _("manual grade items")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["course", "title"], name="manual_item_title_unique"),
            models.CheckConstraint(condition=Q(max_points__gt=0), name="manual_item_max_points_positive"),
            models.CheckConstraint(condition=Q(weight__gte=1), name="manual_item_weight_positive"),
            # Exactly one category: an automatic one or the course's own.
            models.CheckConstraint(
                condition=(Q(builtin_category="") & Q(category__isnull=False))
                | (~Q(builtin_category="") & Q(category__isnull=True)),
                name="manual_item_one_category",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def key(self) -> str:
        return f"manual:{self.pk}"


class ManualGrade(models.Model):
    """A student's points on a manual item; its history is in the course's audit trail."""

    item = models.ForeignKey(ManualItem, on_delete=models.CASCADE, related_name="grades")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="manual_grades")
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        verbose_name = _("manual grade")
        verbose_name_plural = _("manual grades")
        constraints = [
            models.UniqueConstraint(fields=["item", "student"], name="manual_grade_one_per_student"),
            models.CheckConstraint(condition=Q(points__gte=0), name="manual_grade_points_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.student_id} – {self.item_id}: {self.points}"
