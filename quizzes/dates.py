"""The dates and limits that apply to a student for a quiz: the one place every reader of a due date asks.

Placeholder written by issue 25c: it returns each quiz's own fields. Issue 25a replaces this module with
the real one (per-student and per-group overrides) under the same names, so callers need not change.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class QuizDates:
    opens_at: datetime | None
    due_at: datetime | None
    time_limit_minutes: int | None
    max_attempts: int | None


def _own(quiz) -> QuizDates:
    return QuizDates(
        opens_at=quiz.opens_at, due_at=quiz.due_at, time_limit_minutes=quiz.time_limit_minutes, max_attempts=quiz.max_attempts
    )


def quiz_dates_for(*, quizzes: Iterable, user_id: int) -> dict[int, QuizDates]:
    """{quiz id: the dates that apply to this student}."""
    return {quiz.pk: _own(quiz) for quiz in quizzes}


def quiz_dates_for_class(*, quizzes: Iterable, user_ids: Iterable[int]) -> dict[tuple[int, int], QuizDates]:
    """{(quiz id, user id): the dates that apply to each of these students}."""
    quizzes, user_ids = list(quizzes), list(user_ids)
    return {(quiz.pk, user_id): _own(quiz) for quiz in quizzes for user_id in user_ids}
