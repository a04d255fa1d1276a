"""One student: their standing computed from their own rows, their enrolment, posts and overrides."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Case, OuterRef, When
from django.http import Http404

from courses.audit import Action, audit_about
from courses.models import Course, Enrollment
from courses.signals import course_participation
from coursesite.ids import id_or_404
from discussions.models import Post
from discussions.selectors import Participation
from gradebook.computation import StudentGrade
from gradebook.models import GradeOverride
from gradebook.selectors.activity import ACTIVITY_FIELDS, _latest_subquery, activity_annotations, latest
from gradebook.selectors.computed import (
    ATTEMPT_FIELDS,
    _attempts_query,
    _by_quiz,
    participation_by_lesson,
    build_student_grade,
    manual_points_by_student,
)
from gradebook.selectors.frame import GradebookFrame, LessonColumn, gradebook_frame
from lessons.models import LessonProgress
from quizzes.models import Attempt, Response



@dataclass
class StudentStanding:
    frame: GradebookFrame
    grade: StudentGrade
    read_at: dict[int, datetime]  # lesson id -> when read
    attempts: dict[int, list[dict]]  # lesson id -> attempt rows (all statuses), in number order
    participation: dict[int, Participation]
    last_activity: datetime | None
    user_id: int | None = None

    def due_next(self) -> list[LessonColumn]:
        """Quizzes with a due date and no submitted attempt, soonest first (overdue ones included)."""
        submitted = {
            lesson_id for lesson_id, rows in self.attempts.items()
            if any(row["status"] == Attempt.Status.SUBMITTED for row in rows)
        }
        # Each with the student's own due date where an override gives them one.
        columns = [self.frame.column_for(c, self.user_id) for c in self.frame.columns]
        pending = [c for c in columns if c.quiz_due_at and c.lesson_id not in submitted]
        return sorted(pending, key=lambda c: c.quiz_due_at)

    @property
    def read_count(self) -> int:
        return len(self.read_at)

    @property
    def total(self) -> int:
        return len(self.frame.columns)

    @property
    def percent(self) -> int:
        """Share of the lessons read, as the course page's progress bar shows it."""
        return round(100 * self.read_count / self.total) if self.total else 0


def student_standing(*, course: Course, user, now: datetime | None = None) -> StudentStanding:
    """One student's grade and the rows behind it: seven queries, all about this student (the seventh: the review credit)."""
    frame = gradebook_frame(course=course, now=now)
    lesson_ids = [c.lesson_id for c in frame.columns]
    quiz_lessons = frame.quiz_lessons
    read_at = dict(
        LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids).values_list("lesson_id", "read_at")
    )
    attempt_rows = list(
        _attempts_query(frame).filter(user=user).order_by("quiz_id", "number")
        .annotate(
            # Answers saved in an attempt still open are its latest activity.
            last_saved=Case(When(status=Attempt.Status.IN_PROGRESS, then=_latest_subquery(
                Response.objects.filter(attempt=OuterRef("pk")), "saved_at"
            )))
        )
        .values(*ATTEMPT_FIELDS, "pk", "started_at", "submitted_at", "last_saved")
    )
    attempts: dict[int, list[dict]] = defaultdict(list)
    for row in attempt_rows:
        attempts[quiz_lessons[row["quiz_id"]]].append(row)
    participation = participation_by_lesson(course=course, frame=frame, user_ids=[user.pk]).get(user.pk, {})
    overrides = dict(GradeOverride.objects.filter(course=course, student=user).values_list("item_key", "value"))
    grade = build_student_grade(
        frame, read=set(read_at), attempts=_by_quiz(tuple(row[f] for f in ATTEMPT_FIELDS) for row in attempt_rows),
        participation=participation, overrides=overrides,
        review=course_participation(course_id=course.pk, user_ids=[user.pk]).get(user.pk),
        user_id=user.pk,
        manual_points=manual_points_by_student(frame=frame, user_ids=[user.pk]).get(user.pk),
    )
    # The one rule of `gradebook.selectors.activity`, for this enrolment (None for someone not enrolled).
    enrollment = Enrollment.objects.filter(course=course, user=user).annotate(**activity_annotations()).first()
    last_activity = (
        latest(*(getattr(enrollment, name) for name in ACTIVITY_FIELDS), user.last_login) if enrollment else user.last_login
    )
    return StudentStanding(
        frame=frame, grade=grade, read_at=read_at, attempts=dict(attempts), participation=participation,
        last_activity=last_activity, user_id=user.pk,
    )


def student_enrollment(*, course: Course, user_id: int) -> Enrollment:
    """The student's enrolment in the course; 404 for anyone who is not a student of it."""
    enrollment = (
        Enrollment.objects.select_related("user").filter(course=course, user_id=id_or_404(user_id), role=Enrollment.Role.STUDENT).first()
    )
    if enrollment is None:
        raise Http404
    return enrollment


def student_posts(*, course: Course, user, limit: int = 200) -> list[Post]:
    """The student's posts in the course, newest first, with their thread and lesson."""
    return list(
        Post.objects.filter(author=user, thread__lesson__course=course)
        .select_related("thread__lesson")
        .order_by("-created_at")[:limit]
    )


@dataclass(frozen=True)
class OverrideChange:
    """One line of a student's override history, read from the course's audit trail."""

    created_at: datetime
    actor: object
    item_key: str
    old_value: Decimal | None
    new_value: Decimal | None
    reason: str


def _decimal_or_none(text) -> Decimal | None:
    return None if text is None else Decimal(str(text))


def override_history(*, course: Course, student) -> tuple[list[GradeOverride], list[OverrideChange]]:
    current = list(GradeOverride.objects.filter(course=course, student=student).select_related("set_by").order_by("item_key"))
    entries = audit_about(course=course, subject=student, actions=[Action.OVERRIDE_SET, Action.OVERRIDE_CLEAR])
    log = [
        OverrideChange(
            created_at=entry.created_at, actor=entry.actor, item_key=entry.changes.get("item", entry.target),
            old_value=_decimal_or_none(entry.changes["value"][0]), new_value=_decimal_or_none(entry.changes["value"][1]),
            reason=entry.reason,
        )
        for entry in entries
    ]
    return current, log
