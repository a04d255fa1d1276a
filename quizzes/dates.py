"""The one rule of which dates a student has for a quiz: opening, due date, time limit, attempts.

Everything that reads a quiz's dates for a student reads them here (the attempt rules, the late
mark, « missing » in the gradebook, the reminders, the calendar feed, the quiz and lesson pages),
so an accommodation or a new due date given to a student is followed everywhere at once.

The rule (docs/decisions/0020-overrides-and-accommodations.md):

1. The quiz's own settings apply.
2. A group override (`QuizOverride.group`, the course's `Enrollment.group`) replaces each field it
   sets. When several groups of the student set a field, the most generous wins, as in Moodle:
   the earliest opening, the latest due date, the longest time limit, the most attempts.
3. The student's own override replaces each field it sets, whatever the groups say.
4. The student's extra time (`Enrollment.extra_time_percent`, an accommodation plan's
   « temps supplémentaire ») lengthens the time limit of every timed quiz of the course, rounded
   up to the minute, unless the student's own override set the time limit (that one is final).

Each function runs a constant number of queries whatever the number of quizzes and students.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from courses.models import Enrollment
from quizzes.models import Quiz, QuizOverride

DATE_FIELDS = ("opens_at", "due_at", "time_limit_minutes", "max_attempts")


@dataclass(frozen=True)
class QuizDates:
    opens_at: datetime | None
    due_at: datetime | None
    time_limit_minutes: int | None
    max_attempts: int | None  # None: unlimited

    @classmethod
    def of_quiz(cls, quiz: Quiz) -> QuizDates:
        """The quiz's own settings: what a student without any override or extra time has."""
        return cls(quiz.opens_at, quiz.due_at, quiz.time_limit_minutes, quiz.max_attempts)

    def is_open(self, now: datetime | None = None) -> bool:
        return self.opens_at is None or (now or timezone.now()) >= self.opens_at

    def is_past_due(self, now: datetime | None = None) -> bool:
        return self.due_at is not None and (now or timezone.now()) > self.due_at

    def accepts_work(self, *, late_policy: str, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.is_open(now) and (not self.is_past_due(now) or late_policy == Quiz.LatePolicy.ACCEPT)

    def attempts_left(self, used: int) -> int | None:
        return None if self.max_attempts is None else max(0, self.max_attempts - used)


def _most_generous(field: str, values: list):
    if field == "opens_at":
        return min(values)
    return max(values)


def dates_apply(
    *, quiz_dates: QuizDates, group_rows: Iterable[dict], own_row: dict | None, extra_time_percent: int = 0
) -> QuizDates:
    """The rule itself, without queries: the quiz's dates, then its groups' rows, the student's own row,
    and the student's extra time. A row is {field: value or None}; None leaves the field alone."""
    values = {field: getattr(quiz_dates, field) for field in DATE_FIELDS}
    group_rows = list(group_rows)
    for field in DATE_FIELDS:
        chosen = [row[field] for row in group_rows if row.get(field) is not None]
        if chosen:
            values[field] = _most_generous(field, chosen)
    own_limit = False
    if own_row is not None:
        for field in DATE_FIELDS:
            if own_row.get(field) is not None:
                values[field] = own_row[field]
        own_limit = own_row.get("time_limit_minutes") is not None
    limit = values["time_limit_minutes"]
    if limit and extra_time_percent and not own_limit:
        # Integer arithmetic: 45 min at +33 % is 59.85, given as 60 (a student never gets less than the plan).
        values["time_limit_minutes"] = math.ceil(limit * (100 + extra_time_percent) / 100)
    return QuizDates(**values)


def _dates(quizzes: list[Quiz], user_ids: list[int]) -> dict[tuple[int, int], QuizDates]:
    """(quiz id, user id) -> dates for every pair: two queries (enrolments, overrides)."""
    if not quizzes or not user_ids:
        return {}
    quiz_ids = [quiz.pk for quiz in quizzes]
    # One row per (enrolment, quiz of its course): the group and extra time that apply to each pair.
    enrolments = {
        (quiz_id, user_id): (group, extra)
        for user_id, group, extra, quiz_id in Enrollment.objects.filter(
            user_id__in=user_ids, course__lessons__quiz__in=quiz_ids
        ).values_list("user_id", "group", "extra_time_percent", "course__lessons__quiz")
    }
    own: dict[tuple[int, int], dict] = {}
    by_group: dict[tuple[int, str], dict] = {}
    for row in QuizOverride.objects.filter(Q(user_id__in=user_ids) | ~Q(group=""), quiz_id__in=quiz_ids).values(
        "quiz_id", "user_id", "group", *DATE_FIELDS
    ):
        if row["user_id"] is not None:
            own[(row["quiz_id"], row["user_id"])] = row
        else:
            by_group[(row["quiz_id"], row["group"])] = row
    dates = {}
    for quiz in quizzes:
        base = QuizDates.of_quiz(quiz)
        for user_id in user_ids:
            group, extra = enrolments.get((quiz.pk, user_id), ("", 0))
            # One group per enrolment today; the rule above already takes the most generous of several.
            groups = [by_group[(quiz.pk, group)]] if group and (quiz.pk, group) in by_group else []
            dates[(quiz.pk, user_id)] = dates_apply(
                quiz_dates=base, group_rows=groups, own_row=own.get((quiz.pk, user_id)), extra_time_percent=extra
            )
    return dates


def quiz_dates_for(*, quizzes: Iterable[Quiz], user_id: int) -> dict[int, QuizDates]:
    """One student's dates for each of these quizzes, by quiz id: two queries."""
    return {quiz_id: dates for (quiz_id, _user), dates in _dates(list(quizzes), [user_id]).items()}


def quiz_dates_for_class(*, quizzes: Iterable[Quiz], user_ids: Iterable[int]) -> dict[tuple[int, int], QuizDates]:
    """Each student's dates for each quiz, keyed (quiz id, user id): two queries whatever the sizes."""
    return _dates(list(quizzes), list(dict.fromkeys(user_ids)))


def quiz_dates_exceptions(*, quizzes: Iterable[Quiz]) -> dict[tuple[int, int], QuizDates]:
    """The (quiz id, user id) pairs whose dates an override changes, for pages about a whole class
    (the gradebook's « missing », the kept standings): one query when no override exists, three otherwise.

    Extra time alone is left out: it changes no date a gradebook reads."""
    quizzes = list(quizzes)
    rows = list(
        QuizOverride.objects.filter(quiz__in=quizzes).values_list("user_id", "group", "quiz__lesson__course_id")
    )
    if not rows:
        return {}
    user_ids = {user_id for user_id, _group, _course in rows if user_id is not None}
    groups = defaultdict(set)
    for user_id, group, course_id in rows:
        if user_id is None:
            groups[course_id].add(group)
    if groups:
        members = Q()
        for course_id, names in groups.items():
            members |= Q(course_id=course_id, group__in=names)
        user_ids |= set(Enrollment.objects.filter(members).values_list("user_id", flat=True))
    own_dates = {quiz.pk: QuizDates.of_quiz(quiz) for quiz in quizzes}
    return {
        key: dates
        for key, dates in quiz_dates_for_class(quizzes=quizzes, user_ids=sorted(user_ids)).items()
        if dates != own_dates[key[0]]
    }
