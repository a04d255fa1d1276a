"""Writes about spaced review: cards from graded attempts, one review, the course's settings.

A review locks the card row, checks that it belongs to the student and is
due at the date the page showed, grades with the quiz's own rules
(`quizzes.grading`) and writes the new FSRS state and its log in one
transaction: a double post, another student's card or a tampered payload is
refused and nothing is graded twice.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from coursesite.changes import changes_apply
from coursesite.errors import ActionRefused, BadPayload
from courses.audit import Action, audit_record
from courses.models import Enrollment
from courses.signals import student_work_changed
from lessons.selectors import visible_to_students
from quizzes import grading
from quizzes.models import Attempt, Question, Response
from review.models import Card, ReviewLog, ReviewSettings
from review.scheduling import CardState, next_state, rating_for

FRACTION_PLACES = Decimal("0.0000001")


class ReviewRefused(ActionRefused):
    """The review cannot be taken (already answered, not due yet, question retired); the message is for people."""


class InvalidReview(BadPayload):
    """A payload no honest review page sends: answered with 400, nothing saved."""


def _fraction(value: float | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)


def _state_of(card: Card) -> CardState:
    return CardState(
        state=card.state, step=card.step, stability=card.stability, difficulty=card.difficulty,
        due=card.due, last_review=card.last_review,
    )


def _apply(card: Card, state: CardState, rating: int) -> None:
    card.state, card.step, card.stability, card.difficulty = state.state, state.step, state.stability, state.difficulty
    card.due, card.last_review, card.last_rating = state.due, state.last_review, rating
    card.reviews += 1


@transaction.atomic
def cards_add_for_attempt(*, attempt_id: int) -> int:
    """Turn each auto-graded question of a submitted attempt into a card for its student; returns how many.

    The quiz answer is the card's first rating: a missed question comes back
    the next day, a right one a few days later. A question already in the
    student's deck (a second attempt) keeps its schedule.
    """
    return cards_add_for_attempts(attempt_ids=[attempt_id])


@transaction.atomic
def cards_add_for_attempts(*, attempt_ids: list[int]) -> int:
    """The same for many attempts at once (the demo cohort), in a constant number of queries."""
    attempts = list(
        Attempt.objects.filter(pk__in=attempt_ids, status=Attempt.Status.SUBMITTED, is_preview=False)
        .select_related("quiz__lesson")
        .order_by("submitted_at", "pk")
    )
    if not attempts:
        return 0
    by_attempt: dict[int, list[Response]] = {}
    for response in (
        Response.objects.filter(attempt__in=attempts, fraction__isnull=False, question__is_active=True)
        .exclude(question__type__in=(Question.Type.ESSAY, Question.Type.DESCRIPTION))
        .select_related("question")
    ):
        by_attempt.setdefault(response.attempt_id, []).append(response)
    known = set(
        Card.objects.filter(user_id__in={a.user_id for a in attempts}, quiz_id__in={a.quiz_id for a in attempts})
        .values_list("user_id", "quiz_id", "question_key")
    )
    new = []
    for attempt in attempts:
        responses = by_attempt.get(attempt.pk, [])
        # Cards in the order the quiz showed the questions: the deck serves ties in that order.
        order = {question_id: n for n, question_id in enumerate(attempt.layout.get("questions", []))}
        responses.sort(key=lambda r: order.get(r.question_id, len(order)))
        course_id = attempt.quiz.lesson.course_id
        for response in responses:
            identity = (attempt.user_id, attempt.quiz_id, response.question.key)
            if identity in known:
                continue
            known.add(identity)
            rating = rating_for(fraction=float(response.fraction))
            card = Card(user_id=attempt.user_id, course_id=course_id, quiz_id=attempt.quiz_id, question_key=response.question.key)
            _apply(card, next_state(current=None, rating=rating, at=attempt.submitted_at), int(rating))
            new.append((card, response, rating, attempt.submitted_at))
    if not new:
        return 0
    try:
        with transaction.atomic():
            Card.objects.bulk_create([card for card, *_rest in new], batch_size=2000)
    except IntegrityError:
        return 0  # another grading of the same attempt won the race: its cards stand
    ReviewLog.objects.bulk_create(
        (
            ReviewLog(
                card=card, user_id=card.user_id, course_id=card.course_id, question=response.question,
                source=ReviewLog.Source.QUIZ, rating=int(rating), fraction=response.fraction, answer=response.answer,
                due_before=None, due_after=card.due, reviewed_at=at,
            )
            for card, response, rating, at in new
        ),
        batch_size=2000,
    )
    # New cards change the review participation credit's share (when it is on): the kept standings follow.
    by_course: dict[int, set[int]] = {}
    for card, *_rest in new:
        by_course.setdefault(card.course_id, set()).add(card.user_id)
    for course_id, user_ids in sorted(by_course.items()):
        student_work_changed(user_ids=user_ids, course_id=course_id)
    return len(new)


@dataclass(frozen=True)
class ReviewOutcome:
    log: ReviewLog
    card: Card


@transaction.atomic
def card_review(
    *, card_id: int, user, course, question_id, question_answer, shown_due: str, easy: bool = False, now=None
) -> ReviewOutcome:
    """Grade one review of the user's card and schedule its next one.

    `shown_due` is the due date the page showed (ISO) and `question_id` the
    version it showed: a second post of the same page finds the card moved on,
    and an answer to a version replaced meanwhile is refused, both without grading.
    Another student's card, one of another course, or one whose lesson students cannot see, does not
    exist for this user.
    """
    now = now or timezone.now()
    # Lock the card's row only (the lesson join is read, not locked: a class reviewing at once never queues on it).
    card = (
        Card.objects.select_for_update(of=("self",))
        .filter(visible_to_students("quiz__lesson__"), pk=card_id, user=user, course=course)
        .first()
    )
    if card is None:
        raise Card.DoesNotExist
    if card.due.isoformat() != shown_due:
        raise ReviewRefused(_("This review was already answered."))
    if card.due > now:
        raise ReviewRefused(_("This card is not due yet."))
    question = Question.objects.filter(quiz_id=card.quiz_id, key=card.question_key, is_active=True).first()
    if question is None:
        raise ReviewRefused(_("This question was withdrawn from the quiz: it left your reviews."))
    if str(question.pk) != str(question_id):
        raise ReviewRefused(_("This question was corrected in the meantime: here is its current version."))
    view = {"type": question.type, **question.data}
    if isinstance(question_answer, list) and question.type != Question.Type.MULTICHOICE_MULTI:
        if len(question_answer) > 1:
            raise InvalidReview("a single answer is expected")
        question_answer = question_answer[0] if question_answer else ""
    try:
        answer = grading.validate_response(view, question_answer)
    except grading.InvalidResponse as exc:
        raise InvalidReview(str(exc)) from exc
    result = grading.grade_response(view, answer)
    fraction = _fraction(result.fraction)
    rating = rating_for(fraction=float(fraction), easy=easy)
    was_due = card.due
    _apply(card, next_state(current=_state_of(card), rating=rating, at=now), int(rating))
    card.save(update_fields=["state", "step", "stability", "difficulty", "due", "last_review", "last_rating", "reviews"])
    log = ReviewLog.objects.create(
        card=card, user_id=card.user_id, course_id=card.course_id, question=question, source=ReviewLog.Source.REVIEW,
        rating=int(rating), fraction=fraction, answer=answer, due_before=was_due, due_after=card.due, reviewed_at=now,
    )
    if card.reviews == 2:
        # The card's first review since its quiz: the only review that moves the participation credit
        # (cards reviewed at least once); later ones change nothing a grade reads.
        student_work_changed(user_ids=[card.user_id], course_id=card.course_id)
    return ReviewOutcome(log=log, card=card)


@transaction.atomic
def review_settings_set(*, course, daily_cap: int, participation_credit: bool, actor=None) -> ReviewSettings:
    """Set the daily cap and the participation credit; only what changed is saved.

    The credit changes every student's total, so a person's change (`actor`) goes to the course's audit
    trail as {field: [old, new]} (against the defaults before the first save), like the grading scheme's.
    """
    ReviewSettings.objects.get_or_create(course=course)  # created with the defaults, which the change is measured against
    settings_row = ReviewSettings.objects.select_for_update().get(course=course)
    changes = changes_apply(settings_row, {"daily_cap": daily_cap, "participation_credit": participation_credit})
    settings_row.full_clean(exclude=["course"])
    if changes:
        settings_row.save(update_fields=list(changes))
    if changes and actor is not None:
        audit_record(course=course, actor=actor, action=Action.REVIEW_SETTINGS, target=course.title, changes=changes)
    if "participation_credit" in changes:
        # Turning the credit on or off adds or removes the reviews item of every student: the whole class.
        student_work_changed(
            user_ids=Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).values_list("user_id", flat=True),
            course_id=course.pk,
        )
    return settings_row
