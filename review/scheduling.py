"""The bridge to the `fsrs` package: ratings from grades, and one FSRS step. No database here.

Day-sized steps: no learning steps (minutes make no sense for a course that
reviews once a day) and no fuzzing, so a history always gives the same dates
(tests pin them).
"""

from dataclasses import dataclass
from datetime import UTC, datetime

import fsrs

SCHEDULER = fsrs.Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)

# grading.py snaps fractions within 1e-6 of 0 and 1; the same margins decide wrong and right here.
RIGHT_AT = 0.999999
WRONG_BELOW = 0.000001


def rating_for(*, fraction: float, easy: bool = False) -> fsrs.Rating:
    """Wrong: Again; partly right: Hard; right: Good, or Easy when the student says it was easy."""
    if fraction >= RIGHT_AT:
        return fsrs.Rating.Easy if easy else fsrs.Rating.Good
    if fraction < WRONG_BELOW:
        return fsrs.Rating.Again
    return fsrs.Rating.Hard


@dataclass(frozen=True)
class CardState:
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None


def next_state(*, current: CardState | None, rating: fsrs.Rating, at: datetime) -> CardState:
    """The card after one review at `at`; `current` None is a new card."""
    at = at.astimezone(UTC)
    if current is None:
        card = fsrs.Card(card_id=0)
    else:
        card = fsrs.Card(
            card_id=0, state=fsrs.State(current.state), step=current.step, stability=current.stability,
            difficulty=current.difficulty, due=current.due.astimezone(UTC),
            last_review=current.last_review.astimezone(UTC) if current.last_review else None,
        )
    reviewed, _log = SCHEDULER.review_card(card, rating, at)
    return CardState(
        state=int(reviewed.state), step=reviewed.step, stability=reviewed.stability, difficulty=reviewed.difficulty,
        due=reviewed.due, last_review=reviewed.last_review,
    )
