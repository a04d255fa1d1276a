from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from quizzes.models import Question, Quiz

# FSRS card states and ratings (fsrs.State / fsrs.Rating), stored as their integer values.
STATES = ((1, _("Learning")), (2, _("Review")), (3, _("Relearning")))
RATINGS = ((1, _("Again")), (2, _("Hard")), (3, _("Good")), (4, _("Easy")))


class ReviewSettings(models.Model):
    """A course's review settings, kept off `Course` so that this app owns its own migrations."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="review_settings")
    daily_cap = models.PositiveSmallIntegerField(
        _("reviews per day"), default=15, help_text=_("At most this many cards a day for each student.")
    )
    participation_credit = models.BooleanField(
        _("reviews count as participation"), default=False,
        help_text=_("Adds a “Reviews” item to each student's participation grade: the share of their questions reviewed at least once since the quiz. Never counts in quiz grades."),
    )

    class Meta:
        verbose_name = _("review settings")
        verbose_name_plural = _("review settings")
        constraints = [
            models.CheckConstraint(condition=Q(daily_cap__gte=1) & Q(daily_cap__lte=200), name="review_daily_cap_in_range"),
        ]

    def __str__(self) -> str:
        return str(self.course)


class Card(models.Model):
    """One question for one student, scheduled by FSRS.

    A card follows the question's key, not one version: a corrected question
    is reviewed in its current version, and a key without an active version
    (a retired question) leaves the deck.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="review_cards")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="review_cards")
    question_key = models.CharField(_("question key"), max_length=255)
    state = models.PositiveSmallIntegerField(_("state"), choices=STATES, default=1)
    step = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    stability = models.FloatField(_("stability"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last review"), null=True, blank=True)
    last_rating = models.PositiveSmallIntegerField(_("last rating"), choices=RATINGS, null=True, blank=True)
    reviews = models.PositiveIntegerField(_("reviews"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review card")
        verbose_name_plural = _("review cards")
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "question_key"], name="review_card_one_per_question"),
            models.CheckConstraint(condition=Q(state__gte=1) & Q(state__lte=3), name="review_card_state_valid"),
            models.CheckConstraint(
                condition=Q(last_rating__isnull=True) | (Q(last_rating__gte=1) & Q(last_rating__lte=4)),
                name="review_card_rating_valid",
            ),
            models.CheckConstraint(
                condition=Q(difficulty__isnull=True) | (Q(difficulty__gte=1) & Q(difficulty__lte=10)),
                name="review_card_difficulty_in_range",
            ),
            models.CheckConstraint(condition=Q(stability__isnull=True) | Q(stability__gt=0), name="review_card_stability_positive"),
        ]
        indexes = [
            models.Index(fields=["course", "user", "due"]),
            models.Index(fields=["due"]),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.question_key}"


class ReviewLog(models.Model):
    """Every rating a card received: from the quiz that created it, then from each review."""

    class Source(models.TextChoices):
        QUIZ = "quiz", _("Quiz attempt")
        REVIEW = "review", _("Review")

    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="logs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    rating = models.PositiveSmallIntegerField(_("rating"), choices=RATINGS)
    fraction = models.DecimalField(_("fraction"), max_digits=9, decimal_places=7)
    answer = models.JSONField(_("answer"), null=True, blank=True)
    # The due date the review answered: one review per card and due date, so a double post is graded once.
    due_before = models.DateTimeField(_("was due"), null=True, blank=True)
    due_after = models.DateTimeField(_("next due"))
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("review log")
        verbose_name_plural = _("review logs")
        ordering = ["reviewed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["card", "due_before"], name="review_log_once_per_due"),
            models.CheckConstraint(condition=Q(rating__gte=1) & Q(rating__lte=4), name="review_log_rating_valid"),
            models.CheckConstraint(condition=Q(fraction__gte=0) & Q(fraction__lte=1), name="review_log_fraction_in_range"),
            models.CheckConstraint(
                condition=Q(source="quiz") | Q(due_before__isnull=False), name="review_log_review_has_due"
            ),
        ]
        indexes = [models.Index(fields=["user", "course", "source", "reviewed_at"])]
