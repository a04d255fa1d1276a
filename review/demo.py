"""Demo data for `seed_demo`: the demo students' graded attempts become cards, with a few reviews done.

Deterministic (each decision from the card's identity), so running it again adds nothing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from courses.signals import student_work_changed
from quizzes.models import Attempt, Question
from review.models import Card, ReviewLog
from review.scheduling import next_state, rating_for
from review.services import _apply, _state_of, cards_add_for_attempts

MAX_DEMO_REVIEWS = 3


@transaction.atomic
def review_demo_ensure(*, course, user_ids: list[int], now=None) -> dict:
    now = now or timezone.now()
    attempt_ids = list(
        Attempt.objects.filter(quiz__lesson__course=course, user_id__in=user_ids, status=Attempt.Status.SUBMITTED, is_preview=False)
        .values_list("pk", flat=True)
    )
    cards_add_for_attempts(attempt_ids=attempt_ids)
    # Reviews for cards that fell due and were never reviewed since the quiz: a student reviews on the
    # day a card falls due, recalling it more often the further they are in the course.
    cards = list(Card.objects.filter(course=course, user_id__in=user_ids, reviews=1, due__lte=now - timedelta(hours=2)))
    active = {(q.quiz_id, q.key): q for q in Question.objects.filter(quiz__lesson__course=course, is_active=True)}
    logs, changed = [], []
    for card in cards:
        question = active.get((card.quiz_id, card.question_key))
        rng = random.Random(f"review:{card.user_id}:{card.quiz_id}:{card.question_key}")
        if question is None or rng.random() < 0.3:  # some students skip their reviews
            continue
        for _n in range(MAX_DEMO_REVIEWS):
            if card.due > now - timedelta(hours=2):
                break
            at = min(card.due + timedelta(hours=1 + rng.randrange(6)), now - timedelta(minutes=1))
            fraction = 1.0 if rng.random() < 0.65 else 0.0
            rating = rating_for(fraction=fraction)
            was_due = card.due
            _apply(card, next_state(current=_state_of(card), rating=rating, at=at), int(rating))
            logs.append(
                ReviewLog(
                    card=card, user_id=card.user_id, course_id=card.course_id, question=question, source=ReviewLog.Source.REVIEW,
                    rating=int(rating), fraction=fraction, answer=None, due_before=was_due, due_after=card.due, reviewed_at=at,
                )
            )
        if card.reviews > 1:
            changed.append(card)
    Card.objects.bulk_update(changed, ["state", "step", "stability", "difficulty", "due", "last_review", "last_rating", "reviews"], batch_size=2000)
    ReviewLog.objects.bulk_create(logs, batch_size=2000)
    # The review credit (when on) counts reviewed cards: the kept standings follow, as after a real review.
    student_work_changed(user_ids={card.user_id for card in changed}, course_id=course.pk)
    return {"review_cards": len(cards), "reviews": len(logs)}
