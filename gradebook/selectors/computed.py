"""Standings computed from the students' work (the reference the kept standings must equal).

* `gradebook_rows`: the whole class (or some students) from a fixed number of grouped queries,
  participation by the rule of `discussions.selectors.participation_by_student`; the kept standings
  are refreshed from it;
* `gradebook_stream_computed`: the same figures student by student, merging queries ordered by
  user id and read through server-side cursors.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from operator import itemgetter

from django.db.models import Count, Max
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Enrollment
from courses.signals import course_participation
from discussions.models import Post
from discussions.selectors import Participation
from gradebook.computation import AttemptScore, ReviewWork, StudentGrade, grade_from_items, lesson_items, review_item
from gradebook.models import GradeOverride
from gradebook.selectors.activity import activity_annotations, idle_since_of, is_inactive, last_activity_of, latest
from gradebook.selectors.frame import GradebookFrame, _lesson_work, gradebook_frame
from lessons.models import LessonProgress
from quizzes.models import Attempt

AT_RISK_BELOW = Decimal(60)
# Rows fetched per round trip by the export's server-side cursors.
STREAM_CHUNK = 2000


class RiskReason:
    INACTIVE = "inactive"
    LOW_TOTAL = "low_total"

    LABELS = {
        INACTIVE: _("No activity for 7 days"),
        LOW_TOTAL: _("Total under 60 % with work past due"),
    }




ATTEMPT_FIELDS = ("user_id", "quiz_id", "number", "status", "score", "max_score", "is_late", "needs_grading")


def _attempts_query(frame: GradebookFrame):
    """Non-preview attempts of the course's quizzes (all statuses: the computation keeps the submitted ones)."""
    return Attempt.objects.filter(quiz_id__in=list(frame.quiz_lessons), is_preview=False)


def _attempt_score(row: tuple) -> AttemptScore:
    """An ATTEMPT_FIELDS row as the computation sees it."""
    _user, _quiz, number, status, score, max_score, is_late, needs_grading = row
    return AttemptScore(
        number=number, score=score, max_score=max_score, is_late=is_late, needs_grading=needs_grading,
        is_submitted=status == Attempt.Status.SUBMITTED,
    )


def _by_quiz(rows: Iterable[tuple]) -> dict[int, list[AttemptScore]]:
    by_quiz: dict[int, list[AttemptScore]] = defaultdict(list)
    for row in rows:
        by_quiz[row[1]].append(_attempt_score(row))
    return by_quiz


def _participation_from_post_rows(rows: Iterable[dict], prompts_total: dict[int, int]) -> dict[int, Participation]:
    """Per lesson id, from rows of `_post_groups_query`: the same rule as `participation_by_student`."""
    totals: dict[int, dict] = defaultdict(lambda: {"threads_started": 0, "replies": 0, "endorsed": 0, "prompts": set()})
    for row in rows:
        entry = totals[row["thread__lesson_id"]]
        if row["is_opening"]:
            if row["thread__prompt_id"] is None:
                entry["threads_started"] += row["count"]
            continue
        entry["replies"] += row["count"]
        if row["thread__prompt_id"] is not None:
            entry["prompts"].add(row["thread__prompt_id"])
    return {
        lesson_id: Participation(
            threads_started=value["threads_started"],
            replies=value["replies"],
            prompts_answered=len(value["prompts"]),
            prompts_total=prompts_total.get(lesson_id, 0),
        )
        for lesson_id, value in totals.items()
    }


def _post_groups_query(course: Course):
    """Posts grouped by author, lesson, prompt thread and opening: the filters of `participation_by_student`."""
    return (
        Post.objects.filter(
            thread__lesson__course=course, deleted_at__isnull=True, hidden_at__isnull=True, author__isnull=False
        )
        .values("author_id", "thread__lesson_id", "thread__prompt_id", "is_opening")
        .annotate(count=Count("pk"), last=Max("created_at"))
    )


def build_student_grade(
    frame: GradebookFrame,
    *,
    read: set[int],
    attempts: dict[int, list[AttemptScore]],
    participation: dict[int, Participation],
    overrides: dict[str, Decimal],
    review: tuple[int, int] | None = None,
) -> StudentGrade:
    """One student's grade from their rows (any source): attempts by quiz id, participation by lesson id.

    `review` is (cards reviewed since their quiz, cards) from `course_participation`: None when the
    review credit is off or the student has no card, and then nothing about reviews counts.
    """
    empty = frame.empty_items
    items = []
    for column in frame.columns:
        lesson_id = column.lesson_id
        lesson_attempts = attempts.get(column.quiz_id, ()) if column.has_quiz else ()
        part = participation.get(lesson_id)
        is_read = lesson_id in read
        if not (is_read or lesson_attempts or part):
            items.extend(empty[lesson_id])  # most of a class has not started most lessons
            continue
        work = _lesson_work(frame, column, read=is_read, attempts=lesson_attempts, part=part)
        items.extend(lesson_items(work, frame.scheme))
    if review is not None:
        items.append(review_item(ReviewWork(reviewed=review[0], cards=review[1])))
    return grade_from_items(scheme=frame.scheme, items=items, overrides=overrides)


# --------------------------------------------------------------------------- the whole class


@dataclass
class StudentRow:
    enrollment: Enrollment
    grade: StudentGrade
    last_activity: datetime | None
    risk_reasons: tuple[str, ...] = ()

    @property
    def user(self):
        return self.enrollment.user

    @property
    def at_risk(self) -> bool:
        return bool(self.risk_reasons)

    @property
    def risk_labels(self) -> list[str]:
        return [str(RiskReason.LABELS[reason]) for reason in self.risk_reasons]


@dataclass
class Gradebook:
    frame: GradebookFrame
    rows: list[StudentRow] = field(default_factory=list)

    @property
    def groups(self) -> list[str]:
        return sorted({row.enrollment.group for row in self.rows if row.enrollment.group})


def _students_query(frame: GradebookFrame):
    """The course's students annotated with the moments of `gradebook.selectors.activity`."""
    return (
        Enrollment.objects.filter(course=frame.course, role=Enrollment.Role.STUDENT)
        .select_related("user")
        .annotate(**activity_annotations())
    )


def risk_reasons(frame: GradebookFrame, *, grade: StudentGrade, last_activity, enrolled_at) -> tuple[str, ...]:
    """Why a student needs attention: nothing done for a week, or failing with work already due."""
    reasons = []
    if is_inactive(idle_since=idle_since_of(last_activity=last_activity, enrolled_at=enrolled_at), now=frame.now):
        reasons.append(RiskReason.INACTIVE)
    if grade.total_so_far is not None and grade.total_so_far < AT_RISK_BELOW and frame.has_work_past_due:
        reasons.append(RiskReason.LOW_TOTAL)
    return tuple(reasons)


def gradebook_rows(
    *, course: Course, now: datetime | None = None, user_ids: list[int] | None = None, frame: GradebookFrame | None = None
) -> Gradebook:
    """Every student's grade, last activity and risk flags: eight queries whatever the class size.

    Scheme, lessons, students (with the moments of their last activity), reading progress,
    attempts, posts grouped per lesson (the rule of `participation_by_student`), the review
    credit (cards reviewed, grouped per student; nothing when it is off) and overrides.
    """
    frame = frame or gradebook_frame(course=course, now=now)
    # `user_ids` narrows every query to some students (one page of the grid); None means the whole class.
    only = {} if user_ids is None else {"user_id__in": user_ids}
    students = list(_students_query(frame).filter(**only).order_by("user__last_name", "user__first_name", "user__username"))

    read: dict[int, set[int]] = defaultdict(set)
    for user_id, lesson_id in LessonProgress.objects.filter(
        lesson_id__in=[c.lesson_id for c in frame.columns], **only
    ).values_list("user_id", "lesson_id"):
        read[user_id].add(lesson_id)

    attempts: dict[int, dict[int, list[AttemptScore]]] = defaultdict(lambda: defaultdict(list))
    for row in _attempts_query(frame).filter(status=Attempt.Status.SUBMITTED, **only).values_list(*ATTEMPT_FIELDS):
        attempts[row[0]][row[1]].append(_attempt_score(row))

    # The rule of `participation_by_student`, with the prompt counts the frame already holds: one query.
    posts = _post_groups_query(course)
    if user_ids is not None:
        posts = posts.filter(author_id__in=user_ids)
    post_rows: dict[int, list[dict]] = defaultdict(list)
    for row in posts:
        post_rows[row["author_id"]].append(row)
    prompts_total = {c.lesson_id: c.prompts_total for c in frame.columns}
    participation = {
        user_id: _participation_from_post_rows(rows, prompts_total) for user_id, rows in post_rows.items()
    }

    # The review credit (asked through `courses.signals`, the review app sits above): one query, {} when off.
    review = course_participation(course_id=course.pk, user_ids=user_ids)

    overrides: dict[int, dict[str, Decimal]] = defaultdict(dict)
    override_rows = GradeOverride.objects.filter(course=course)
    if user_ids is not None:
        override_rows = override_rows.filter(student_id__in=user_ids)
    for student_id, key, value in override_rows.values_list("student_id", "item_key", "value"):
        overrides[student_id][key] = value

    gradebook = Gradebook(frame=frame)
    for enrollment in students:
        user_id = enrollment.user_id
        grade = build_student_grade(
            frame,
            read=read.get(user_id, set()),
            attempts=attempts.get(user_id, {}),
            participation=participation.get(user_id, {}),
            overrides=overrides.get(user_id, {}),
            review=review.get(user_id),
        )
        last_activity = last_activity_of(enrollment)
        gradebook.rows.append(
            StudentRow(
                enrollment=enrollment,
                grade=grade,
                last_activity=last_activity,
                risk_reasons=risk_reasons(frame, grade=grade, last_activity=last_activity, enrolled_at=enrollment.created_at),
            )
        )
    return gradebook


# --------------------------------------------------------------------------- streaming, for the export


class _Merge:
    """Rows of one query ordered by a user id, handed out one user at a time as the students go by."""

    def __init__(self, rows: Iterable, key):
        self._groups = itertools.groupby(rows, key=key)
        self._current = next(self._groups, None)

    def take(self, user_id: int) -> list:
        while self._current is not None and self._current[0] < user_id:
            self._current = next(self._groups, None)
        if self._current is not None and self._current[0] == user_id:
            rows = list(self._current[1])
            self._current = next(self._groups, None)
            return rows
        return []


def gradebook_stream_computed(*, course: Course, now: datetime | None = None) -> tuple[GradebookFrame, Iterator[tuple[Enrollment, StudentGrade]]]:
    """The frame and an iterator of (enrolment, grade) in user id order, for exports of any size.

    Eight queries in all (scheme, lessons, five cursors read in step, and the review credit's
    counts, one small row per student with cards):
    memory holds one chunk of each cursor and one student at a time.
    """
    frame = gradebook_frame(course=course, now=now)
    prompts_total = {c.lesson_id: c.prompts_total for c in frame.columns}
    lesson_ids = [c.lesson_id for c in frame.columns]

    def rows() -> Iterator[tuple[Enrollment, StudentGrade]]:
        students = (
            Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
            .select_related("user")
            .only("group", "user_id", "course_id", "user__username", "user__first_name", "user__last_name", "user__email")
            .order_by("user_id")
            .iterator(chunk_size=STREAM_CHUNK)
        )
        first = itemgetter(0)
        progress = _Merge(
            LessonProgress.objects.filter(lesson_id__in=lesson_ids).values_list("user_id", "lesson_id").order_by("user_id")
            .iterator(chunk_size=STREAM_CHUNK),
            first,
        )
        attempts = _Merge(
            _attempts_query(frame).filter(status=Attempt.Status.SUBMITTED)
            .values_list(*ATTEMPT_FIELDS).order_by("user_id").iterator(chunk_size=STREAM_CHUNK),
            first,
        )
        posts = _Merge(_post_groups_query(course).order_by("author_id").iterator(chunk_size=STREAM_CHUNK), itemgetter("author_id"))
        overrides = _Merge(
            GradeOverride.objects.filter(course=course).values_list("student_id", "item_key", "value").order_by("student_id")
            .iterator(chunk_size=STREAM_CHUNK),
            first,
        )
        review = course_participation(course_id=course.pk)  # one small row per student with cards
        for enrollment in students:
            user_id = enrollment.user_id
            grade = build_student_grade(
                frame,
                read={lesson_id for _user, lesson_id in progress.take(user_id)},
                attempts=_by_quiz(attempts.take(user_id)),
                participation=_participation_from_post_rows(posts.take(user_id), prompts_total),
                overrides={key: value for _student, key, value in overrides.take(user_id)},
                review=review.get(user_id),
            )
            yield enrollment, grade

    return frame, rows()
