"""Reads about spaced review: the student's page, deck counts for reminders, retention for instructors.

Only cards whose question still has an active version, in a lesson visible to
students, are in the deck: a retired question leaves it, a corrected one is
reviewed in its current version, and an unpublished lesson's cards wait unseen.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from courses.signals import TODO_REVIEW
from lessons.selectors import visible_to_students
from quizzes.models import Question
from review.models import Card, ReviewLog, ReviewSettings

DEFAULT_DAILY_CAP = 15
# Retention needs a few reviewed cards before it says anything about a question.
RETENTION_MIN_CARDS = 3
FORGOTTEN_BELOW = 0.5


def _active_question():
    return Question.objects.filter(quiz_id=OuterRef("quiz_id"), key=OuterRef("question_key"), is_active=True)


def cards_in_deck():
    return Card.objects.filter(Exists(_active_question()), visible_to_students("quiz__lesson__"))


def reviewed_since_quiz() -> Q:
    """A card reviewed at least once after the quiz: its first rating is the quiz answer, each review adds one."""
    return Q(reviews__gte=2)


def review_participation(*, course_id: int, user_ids: list[int] | None = None) -> dict[int, tuple[int, int]]:
    """When the course's participation credit is on, per student with cards: (cards reviewed since their quiz, cards).

    One query, {} when the credit is off. Cards of retired questions are out of the deck, so out of the count.
    Answers `courses.signals.course_participation` for the gradebook (which does not import this app).
    """
    # An uncorrelated EXISTS: evaluated once, so with the credit off no card is even read.
    credit_on = Exists(ReviewSettings.objects.filter(course_id=course_id, participation_credit=True))
    cards = cards_in_deck().filter(credit_on, course_id=course_id)
    if user_ids is not None:
        cards = cards.filter(user_id__in=user_ids)
    rows = (
        cards.order_by().values("user_id")
        .annotate(total=Count("pk"), reviewed=Count("pk", filter=reviewed_since_quiz()))
        .values_list("user_id", "reviewed", "total")
    )
    return {user_id: (reviewed, total) for user_id, reviewed, total in rows}


def day_start(now: datetime) -> datetime:
    return timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)


def review_settings_for(*, course) -> ReviewSettings:
    """The course's settings, or the defaults (unsaved) until the instructor saves them."""
    return ReviewSettings.objects.filter(course=course).first() or ReviewSettings(course=course)


@dataclass
class ReviewPage:
    daily_cap: int
    done_today: int
    due: int
    card: Card | None = None
    question: Question | None = None
    next_due: datetime | None = None

    @property
    def left_today(self) -> int:
        return max(0, min(self.due, self.daily_cap - self.done_today))


def review_page(*, user, course, now=None) -> ReviewPage:
    """Today's reviews for one student: a constant number of queries whatever the deck size."""
    now = now or timezone.now()
    settings_row = review_settings_for(course=course)
    done_today = ReviewLog.objects.filter(
        user=user, course=course, source=ReviewLog.Source.REVIEW, reviewed_at__gte=day_start(now)
    ).count()
    deck = cards_in_deck().filter(user=user, course=course)
    due = deck.filter(due__lte=now).count()
    page = ReviewPage(daily_cap=settings_row.daily_cap, done_today=done_today, due=due)
    if page.left_today:
        page.card = (
            deck.filter(due__lte=now)
            .annotate(question_id=Subquery(_active_question().values("pk")[:1]))
            .select_related("quiz__lesson")
            .order_by("due", "pk")
            .first()
        )
        page.question = Question.objects.get(pk=page.card.question_id)
    else:
        page.next_due = deck.filter(due__gt=now).order_by("due").values_list("due", flat=True).first()
    return page


def review_log_for(*, user, course, log_id) -> ReviewLog | None:
    """One of the student's own review logs (the feedback after a review), or None."""
    try:
        log_id = int(log_id)
    except (TypeError, ValueError):
        return None
    return (
        ReviewLog.objects.filter(pk=log_id, user=user, course=course, source=ReviewLog.Source.REVIEW)
        .select_related("question", "card__quiz__lesson")
        .first()
    )


# --- Reminders, summaries and calendars ------------------------------------------------------------


def due_review_counts(*, course, until: datetime) -> dict[int, int]:
    """Cards due by `until` per student of the course, in one query."""
    return dict(
        cards_in_deck().filter(course=course, due__lte=until).values("user_id").annotate(n=Count("pk")).values_list("user_id", "n")
    )


def review_days_for_user(*, user, now: datetime, days: int = 14) -> list[dict]:
    """Per course and day of the next `days` days, how many reviews fall due (overdue ones count today)."""
    rows = (
        cards_in_deck().filter(user=user, due__lte=now + timedelta(days=days))
        .annotate(day=TruncDate("due", tzinfo=timezone.get_current_timezone()))
        .values("course_id", "course__title", "course__slug", "day")
        .annotate(n=Count("pk"))
        .order_by("day", "course_id")
    )
    today = timezone.localdate(now)
    merged: dict[tuple, dict] = {}
    for row in rows:
        day = max(row["day"], today)
        key = (row["course_id"], day)
        entry = merged.setdefault(key, {"course": row["course__title"], "slug": row["course__slug"], "course_id": row["course_id"], "day": day, "count": 0})
        entry["count"] += row["n"]
    return list(merged.values())


# --- Retention for instructors ----------------------------------------------------------------------


@dataclass
class Retention:
    label: str
    cards: int  # cards reviewed at least once after the quiz
    recalled: int  # of those, recalled at their latest review (any rating but Again)
    overdue: int  # cards due before today and not reviewed yet
    key: str = ""

    @property
    def recalled_percent(self) -> float | None:
        return round(100 * self.recalled / self.cards, 1) if self.cards else None

    @property
    def is_forgotten(self) -> bool:
        return self.cards >= RETENTION_MIN_CARDS and self.recalled / self.cards < FORGOTTEN_BELOW


def _retention_aggregates(now: datetime) -> dict:
    reviewed = Q(reviews__gte=2)
    return {
        "cards": Count("pk", filter=reviewed),
        "recalled": Count("pk", filter=reviewed & Q(last_rating__gte=2)),
        "overdue": Count("pk", filter=Q(due__lt=day_start(now))),
    }


def question_retention(*, quiz, now=None) -> list[Retention]:
    """Per question of the quiz (by key, in quiz order): share recalled at the latest review, cards overdue. Two queries."""
    now = now or timezone.now()
    rows = {
        row["question_key"]: row
        for row in cards_in_deck().filter(quiz=quiz).values("question_key").annotate(**_retention_aggregates(now)).order_by()
    }
    result = []
    for question in Question.objects.filter(quiz=quiz, is_active=True).exclude(
        type__in=(Question.Type.ESSAY, Question.Type.DESCRIPTION)
    ).order_by("position"):
        row = rows.get(question.key, {"cards": 0, "recalled": 0, "overdue": 0})
        result.append(Retention(label=str(question), key=question.key, cards=row["cards"], recalled=row["recalled"], overdue=row["overdue"]))
    return result


def lesson_retention(*, course, now=None) -> list[Retention]:
    """Per lesson of the course that has cards, in lesson order: one query."""
    now = now or timezone.now()
    rows = (
        cards_in_deck().filter(course=course)
        .values("quiz__lesson__title", "quiz__lesson__position")
        .annotate(**_retention_aggregates(now))
        .order_by("quiz__lesson__position")
    )
    return [Retention(label=r["quiz__lesson__title"], cards=r["cards"], recalled=r["recalled"], overdue=r["overdue"]) for r in rows]


def forgotten_questions(*, course, now=None) -> list[dict]:
    """Questions the class keeps forgetting (under half recalled at the latest review), for the digest: two queries."""
    now = now or timezone.now()
    rows = (
        cards_in_deck().filter(course=course)
        .values("quiz_id", "question_key")
        .annotate(**_retention_aggregates(now))
        .filter(cards__gte=RETENTION_MIN_CARDS)
        .order_by()
    )
    forgotten = [r for r in rows if r["recalled"] / r["cards"] < FORGOTTEN_BELOW]
    if not forgotten:
        return []
    keys = Q()
    for row in forgotten:
        keys |= Q(quiz_id=row["quiz_id"], key=row["question_key"])
    questions = {
        (q.quiz_id, q.key): q for q in Question.objects.filter(keys, is_active=True).select_related("quiz__lesson")
    }
    result = []
    for row in forgotten:
        question = questions.get((row["quiz_id"], row["question_key"]))
        if question is not None:
            result.append({
                "quiz": question.quiz.lesson.title, "title": str(question),
                "recalled_percent": round(100 * row["recalled"] / row["cards"]), "cards": row["cards"],
            })
    return sorted(result, key=lambda item: item["recalled_percent"])


@dataclass
class ReviewSummary:
    due_today: int
    participation_credit: bool
    active_days: int | None  # days with a review in the last PARTICIPATION_DAYS, when the credit is on
    days: int
    cards: int = 0  # the student's cards in the deck, when the credit is on
    reviewed: int = 0  # of which reviewed at least once since their quiz (the share the gradebook counts)


PARTICIPATION_DAYS = 28


def review_summary(*, course, user, now=None) -> ReviewSummary:
    """For the student's progress page, in one query: reviews due today and, when the credit is on, review days."""
    from courses.models import Course

    now = now or timezone.now()
    settings_row = ReviewSettings.objects.filter(course=OuterRef("pk"))
    due = (
        cards_in_deck().filter(course=OuterRef("pk"), user=user, due__lte=now)
        .order_by().values("user_id").annotate(n=Count("pk")).values("n")
    )
    days = (
        ReviewLog.objects.filter(
            course=OuterRef("pk"), user=user, source=ReviewLog.Source.REVIEW,
            reviewed_at__gte=day_start(now) - timedelta(days=PARTICIPATION_DAYS - 1),
        )
        .annotate(day=TruncDate("reviewed_at", tzinfo=timezone.get_current_timezone()))
        .order_by().values("user_id").annotate(n=Count("day", distinct=True)).values("n")
    )
    deck = (
        cards_in_deck().filter(course=OuterRef("pk"), user=user).order_by().values("user_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=reviewed_since_quiz()))
    )
    row = (
        Course.objects.filter(pk=course.pk)
        .annotate(
            cap=Subquery(settings_row.values("daily_cap")[:1]), credit=Subquery(settings_row.values("participation_credit")[:1]),
            due=Subquery(due), active=Subquery(days),
            cards=Subquery(deck.values("n")), reviewed=Subquery(deck.values("done")),
        )
        .values("cap", "credit", "due", "active", "cards", "reviewed")
        .get()
    )
    credit = bool(row["credit"])
    return ReviewSummary(
        due_today=min(row["due"] or 0, row["cap"] or DEFAULT_DAILY_CAP), participation_credit=credit,
        active_days=(row["active"] or 0) if credit else None, days=PARTICIPATION_DAYS,
        cards=(row["cards"] or 0) if credit else 0, reviewed=(row["reviewed"] or 0) if credit else 0,
    )


def student_review_todo(*, user_id: int, course_ids, now: datetime) -> list[dict]:
    """One to-do item per course where the student has review cards due now; one query."""
    rows = (
        cards_in_deck().filter(user_id=user_id, course_id__in=course_ids, due__lte=now)
        .values("course_id", "course__slug").annotate(n=Count("pk")).order_by("course_id")
    )
    return [
        {
            "course_id": row["course_id"],
            "rank": TODO_REVIEW,
            "title": ngettext("%(count)s question to review", "%(count)s questions to review", row["n"]) % {"count": row["n"]},
            "url": reverse("courses:review:index", kwargs={"course": row["course__slug"]}),
            "due_at": None,
            "count": row["n"],
        }
        for row in rows
    ]
