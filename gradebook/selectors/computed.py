"""Standings computed from the students' work (the reference the kept standings must equal).

`gradebook_rows`: the whole class (or some students) from a fixed number of grouped queries,
participation by the one rule of `discussions.selectors.participation_by_student`; the kept standings
are refreshed from it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from courses.models import Course, Enrollment
from courses.signals import course_participation
from discussions.selectors import Participation, participation_by_student
from gradebook.computation import (
    AttemptScore, ReviewWork, StudentGrade, grade_from_items, lesson_items, manual_item_grade, review_item,
)
from gradebook.models import GradeOverride, ManualGrade
from gradebook.selectors.activity import activity_annotations, idle_since_of, is_inactive, last_activity_of
from gradebook.selectors.frame import GradebookFrame, _lesson_work, gradebook_frame
from lessons.models import LessonProgress
from quizzes.models import Attempt

AT_RISK_BELOW = Decimal(60)


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


def manual_points_by_student(*, frame: GradebookFrame, user_ids: list[int] | None = None) -> dict[int, dict[int, Decimal]]:
    """{student id: {manual item id: points}}: one query, none when the course has no manual item."""
    if not frame.manual_columns:
        return {}
    rows = ManualGrade.objects.filter(item_id__in=[c.item_id for c in frame.manual_columns])
    if user_ids is not None:
        rows = rows.filter(student_id__in=user_ids)
    points: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for student_id, item_id, value in rows.values_list("student_id", "item_id", "points"):
        points[student_id][item_id] = value
    return points


def participation_by_lesson(*, course: Course, frame: GradebookFrame, user_ids: list[int] | None = None) -> dict[int, dict[int, Participation]]:
    """Per student, per lesson id: the discussions' one participation rule, with the prompt counts the frame holds (one query)."""
    by_student: dict[int, dict[int, Participation]] = defaultdict(dict)
    prompts_total = {c.lesson_id: c.prompts_total for c in frame.columns}
    for (user_id, lesson_id), part in participation_by_student(course=course, user_ids=user_ids, prompts_total=prompts_total).items():
        by_student[user_id][lesson_id] = part
    return by_student


def build_student_grade(
    frame: GradebookFrame,
    *,
    read: set[int],
    attempts: dict[int, list[AttemptScore]],
    participation: dict[int, Participation],
    overrides: dict[str, Decimal],
    review: tuple[int, int] | None = None,
    user_id: int | None = None,
    manual_points: dict[int, Decimal] | None = None,
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
        if not (is_read or lesson_attempts or part) and not frame.has_own_due(lesson_id, user_id):
            items.extend(empty[lesson_id])  # most of a class has not started most lessons
            continue
        work = _lesson_work(frame, column, read=is_read, attempts=lesson_attempts, part=part, user_id=user_id)
        items.extend(lesson_items(work, frame.scheme))
    if review is not None:
        items.append(review_item(ReviewWork(reviewed=review[0], cards=review[1])))
    points = manual_points or {}
    for manual in frame.manual_columns:
        items.append(manual_item_grade(frame.manual_work(manual, points.get(manual.item_id))))
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

    participation = participation_by_lesson(course=course, frame=frame, user_ids=user_ids)

    # The review credit (asked through `courses.signals`, the review app sits above): one query, {} when off.
    review = course_participation(course_id=course.pk, user_ids=user_ids)

    overrides: dict[int, dict[str, Decimal]] = defaultdict(dict)
    override_rows = GradeOverride.objects.filter(course=course)
    if user_ids is not None:
        override_rows = override_rows.filter(student_id__in=user_ids)
    for student_id, key, value in override_rows.values_list("student_id", "item_key", "value"):
        overrides[student_id][key] = value

    manual_points = manual_points_by_student(frame=frame, user_ids=user_ids)

    gradebook = Gradebook(frame=frame)
    for enrollment in students:
        user_id = enrollment.user_id
        grade = build_student_grade(
            frame,
            read=read.get(user_id, set()),
            attempts=attempts.get(user_id, {}),
            participation=participation.get(user_id, {}),
            overrides=overrides.get(user_id, {}),
            manual_points=manual_points.get(user_id),
            review=review.get(user_id),
            user_id=user_id,
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
