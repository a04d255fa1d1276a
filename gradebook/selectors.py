"""Reads for the gradebook: every student's standing in a fixed number of queries.

Three ways in, one computation (`gradebook.computation.student_grade`):

* `gradebook_rows` (the instructor's page, at-risk flags): the whole class in
  memory, from a handful of grouped queries, participation through
  `discussions.selectors.participation_by_student`;
* `gradebook_stream` (the CSV export): the same figures student by student,
  merging queries that are all ordered by user id and read through
  server-side cursors, so neither the number of queries nor the memory grows
  with the class;
* `student_standing` (a student's progress page, the instructor's page about
  one student): the same figures for one person, from queries about that
  person only.

Quiz attempts, posts and reading progress are read from their apps' models
with `values()` rows: no selector of theirs returns a whole course at once.
"""

from __future__ import annotations

import itertools
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from operator import itemgetter
from zoneinfo import ZoneInfo

from django.db.models import Case, Count, Max, OuterRef, Q, Subquery, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Enrollment
from coursesite.ids import id_or_404
from discussions.models import Post
from discussions.selectors import Participation, participation_by_student
from gradebook import item_analysis
from gradebook.computation import (
    TOTAL_KEY,
    AttemptScore,
    Category,
    LessonWork,
    Scheme,
    StudentGrade,
    grade_from_items,
    item_key,
    lesson_items,
    letter_scale_from_json,
)
from gradebook.models import GradeOverride, GradeOverrideLog, GradingScheme
from lessons.models import Lesson, LessonProgress
from lessons.selectors import course_lessons
from quizzes.models import Attempt, Question, Response

INACTIVE_AFTER = timedelta(days=7)
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


# --------------------------------------------------------------------------- the course's frame


@dataclass(frozen=True)
class LessonColumn:
    lesson: Lesson
    lesson_id: int
    quiz_id: int | None
    grading_method: str
    due_at: datetime | None  # the quiz's due date, else the end of the course; None: never due
    quiz_due_at: datetime | None
    prompts_total: int

    @property
    def has_quiz(self) -> bool:
        return self.quiz_id is not None

    def cells(self) -> list[tuple[Category, str]]:
        """The gradebook cells of this lesson, in display order."""
        cells = [(Category.READING, item_key(Category.READING, self.lesson_id))]
        if self.has_quiz:
            cells.append((Category.QUIZ, item_key(Category.QUIZ, self.lesson_id)))
        if self.prompts_total:
            cells.append((Category.PARTICIPATION, item_key(Category.PARTICIPATION, self.lesson_id)))
        return cells


@dataclass
class GradebookFrame:
    """What the course asks of every student: the scheme and each lesson's items and due date."""

    course: Course
    scheme_record: GradingScheme  # unsaved until an instructor saves the settings: the defaults apply
    scheme: Scheme
    columns: list[LessonColumn]
    now: datetime
    # Per lesson id, the items of a student who has done nothing in it yet: computed once, shared by all.
    empty_items: dict[int, list] = field(default_factory=dict)

    def is_past_due(self, column: LessonColumn) -> bool:
        return column.due_at is not None and self.now > column.due_at

    @property
    def has_work_past_due(self) -> bool:
        return any(self.is_past_due(column) for column in self.columns)

    @property
    def quiz_lessons(self) -> dict[int, int]:
        """quiz id -> lesson id."""
        return {c.quiz_id: c.lesson_id for c in self.columns if c.has_quiz}

    def item_label(self, key: str) -> str:
        if key == TOTAL_KEY:
            return str(_("Course total"))
        category, _sep, lesson_id = key.partition(":")
        column = next((c for c in self.columns if str(c.lesson_id) == lesson_id), None)
        title = column.lesson.title if column else lesson_id
        label = {
            Category.QUIZ: _("Quiz"), Category.PARTICIPATION: _("Participation"), Category.READING: _("Reading"),
        }.get(category, category)
        return f"{label} – {title}"

    def item_keys(self) -> list[str]:
        return [key for column in self.columns for _category, key in column.cells()]


def scheme_from_record(record: GradingScheme) -> Scheme:
    return Scheme(
        quiz_weight=Decimal(record.quiz_weight),
        participation_weight=Decimal(record.participation_weight),
        reading_weight=Decimal(record.reading_weight),
        full_participation_percent=Decimal(record.full_participation_percent),
        replies_only_percent=Decimal(record.replies_only_percent),
        late_penalty_percent=Decimal(record.late_penalty_percent),
        letters=letter_scale_from_json(record.letter_scale),
    )


def grading_scheme_for(*, course: Course) -> GradingScheme:
    """The course's scheme, or an unsaved one with the defaults (reading never writes)."""
    return GradingScheme.objects.filter(course=course).first() or GradingScheme(course=course)


def _course_end(course: Course) -> datetime | None:
    if course.ends_on is None:
        return None
    zone = ZoneInfo(course.time_zone)
    return datetime.combine(course.ends_on, time(23, 59, 59), tzinfo=zone)


def gradebook_frame(*, course: Course, now: datetime | None = None) -> GradebookFrame:
    """The scheme and the lessons with their quiz and prompt count: two queries."""
    record = grading_scheme_for(course=course)
    gradable = Q(quiz__questions__is_active=True) & ~Q(quiz__questions__type=Question.Type.DESCRIPTION)
    lessons = (
        course_lessons(course=course)
        .select_related("quiz")
        .only("pk", "slug", "title", "position", "course_id", "quiz__id", "quiz__due_at", "quiz__grading_method")
        .annotate(
            prompts_total=Count("prompts", filter=Q(prompts__is_active=True), distinct=True),
            questions_total=Count("quiz__questions", filter=gradable, distinct=True),
        )
    )
    course_end = _course_end(course)
    columns = []
    for lesson in lessons:
        quiz = getattr(lesson, "quiz", None)
        # A quiz without a question cannot be taken, so it cannot be owed either.
        has_quiz = quiz is not None and lesson.questions_total > 0
        quiz_due = quiz.due_at if quiz is not None else None
        columns.append(
            LessonColumn(
                lesson=lesson,
                lesson_id=lesson.pk,
                quiz_id=quiz.pk if has_quiz else None,
                grading_method=quiz.grading_method if quiz is not None else "highest",
                # Prompts and reading have no date of their own: they are due with the lesson's quiz.
                due_at=quiz_due or course_end,
                quiz_due_at=quiz_due if has_quiz else None,
                prompts_total=lesson.prompts_total,
            )
        )
    frame = GradebookFrame(
        course=course, scheme_record=record, scheme=scheme_from_record(record), columns=columns, now=now or timezone.now()
    )
    for column in columns:
        nothing_done = _lesson_work(frame, column, read=False, attempts=(), part=None)
        frame.empty_items[column.lesson_id] = lesson_items(nothing_done, frame.scheme)
    return frame


# --------------------------------------------------------------------------- building one student's grade


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


def _lesson_work(frame: GradebookFrame, column: LessonColumn, *, read: bool, attempts, part) -> LessonWork:
    return LessonWork(
        lesson_id=column.lesson_id,
        is_past_due=frame.is_past_due(column),
        has_quiz=column.has_quiz,
        grading_method=column.grading_method,
        attempts=tuple(attempts) if column.has_quiz else (),
        prompts_total=column.prompts_total,
        prompts_answered=part.prompts_answered if part else 0,
        posts=(part.replies + part.threads_started) if part else 0,
        read=read,
    )


def build_student_grade(
    frame: GradebookFrame,
    *,
    read: set[int],
    attempts: dict[int, list[AttemptScore]],
    participation: dict[int, Participation],
    overrides: dict[str, Decimal],
) -> StudentGrade:
    """One student's grade from their rows (any source): attempts by quiz id, participation by lesson id."""
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
    return grade_from_items(scheme=frame.scheme, items=items, overrides=overrides)


def _latest(*moments) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


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


def _latest_subquery(queryset, field: str) -> Subquery:
    """The latest non-empty `field` of a queryset filtered on OuterRef: an indexed lookup per student."""
    return Subquery(queryset.filter(**{f"{field}__isnull": False}).order_by(f"-{field}").values(field)[:1])


def _students_query(frame: GradebookFrame):
    """The course's students with the moments of their last reading, attempt and post in the course.

    Correlated subqueries (one index lookup per student each) instead of fetching every
    timestamp: converting tens of thousands of dates costs more than the lookups.
    """
    lesson_ids = [c.lesson_id for c in frame.columns]
    quiz_ids = list(frame.quiz_lessons)
    user = OuterRef("user_id")
    attempts = Attempt.objects.filter(user=user, quiz_id__in=quiz_ids, is_preview=False)
    return (
        Enrollment.objects.filter(course=frame.course, role=Enrollment.Role.STUDENT)
        .select_related("user")
        .annotate(
            last_read_at=_latest_subquery(LessonProgress.objects.filter(user=user, lesson_id__in=lesson_ids), "read_at"),
            # The start stands for the attempt: it is submitted minutes later, which a week-long rule ignores.
            last_started_at=_latest_subquery(attempts, "started_at"),
            # Answers saved in an attempt still open (a submitted one was last touched when submitted).
            last_saved_at=_latest_subquery(
                Response.objects.filter(
                    attempt__user=user, attempt__quiz_id__in=quiz_ids, attempt__status=Attempt.Status.IN_PROGRESS
                ),
                "saved_at",
            ),
            last_post_at=_latest_subquery(Post.objects.filter(author=user, thread__lesson_id__in=lesson_ids), "created_at"),
        )
    )


def last_activity_of(enrollment: Enrollment) -> datetime | None:
    return _latest(
        enrollment.last_read_at, enrollment.last_started_at, enrollment.last_saved_at,
        enrollment.last_post_at, enrollment.user.last_login,
    )


def risk_reasons(frame: GradebookFrame, *, grade: StudentGrade, last_activity, enrolled_at) -> tuple[str, ...]:
    """Why a student needs attention: nothing done for a week, or failing with work already due."""
    reasons = []
    # Counted from the enrolment too: a student enrolled yesterday has not been idle for a week.
    idle_since = _latest(last_activity, enrolled_at)
    if idle_since is None or frame.now - idle_since > INACTIVE_AFTER:
        reasons.append(RiskReason.INACTIVE)
    if grade.total_so_far is not None and grade.total_so_far < AT_RISK_BELOW and frame.has_work_past_due:
        reasons.append(RiskReason.LOW_TOTAL)
    return tuple(reasons)


def gradebook_rows(*, course: Course, now: datetime | None = None, user_ids: list[int] | None = None) -> Gradebook:
    """Every student's grade, last activity and risk flags: eight queries whatever the class size.

    Scheme, lessons, students (with the moments of their last activity), reading progress,
    attempts, participation (two, through `participation_by_student`) and overrides.
    """
    frame = gradebook_frame(course=course, now=now)
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

    participation: dict[int, dict[int, Participation]] = defaultdict(dict)
    for (user_id, lesson_id), value in participation_by_student(course=course, user_ids=user_ids).items():
        participation[user_id][lesson_id] = value

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


def students_at_risk(*, course: Course, now: datetime | None = None) -> list[StudentRow]:
    """Students to reach out to (for the weekly digest): no activity for 7 days, or under 60 % with work past due.

    Each row has `user`, `risk_reasons` / `risk_labels`, `last_activity` and `grade.total_so_far`.
    """
    return [row for row in gradebook_rows(course=course, now=now).rows if row.at_risk]


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


def gradebook_stream(*, course: Course, now: datetime | None = None) -> tuple[GradebookFrame, Iterator[tuple[Enrollment, StudentGrade]]]:
    """The frame and an iterator of (enrolment, grade) in user id order, for exports of any size.

    Seven queries in all (scheme, lessons, and five cursors read in step):
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
        for enrollment in students:
            user_id = enrollment.user_id
            grade = build_student_grade(
                frame,
                read={lesson_id for _user, lesson_id in progress.take(user_id)},
                attempts=_by_quiz(attempts.take(user_id)),
                participation=_participation_from_post_rows(posts.take(user_id), prompts_total),
                overrides={key: value for _student, key, value in overrides.take(user_id)},
            )
            yield enrollment, grade

    return frame, rows()


# --------------------------------------------------------------------------- one student


@dataclass
class StudentStanding:
    frame: GradebookFrame
    grade: StudentGrade
    read_at: dict[int, datetime]  # lesson id -> when read
    attempts: dict[int, list[dict]]  # lesson id -> attempt rows (all statuses), in number order
    participation: dict[int, Participation]
    last_activity: datetime | None

    def due_next(self) -> list[LessonColumn]:
        """Quizzes with a due date and no submitted attempt, soonest first (overdue ones included)."""
        submitted = {
            lesson_id for lesson_id, rows in self.attempts.items()
            if any(row["status"] == Attempt.Status.SUBMITTED for row in rows)
        }
        pending = [c for c in self.frame.columns if c.quiz_due_at and c.lesson_id not in submitted]
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
    """One student's grade and the rows behind it: six queries, all about this student."""
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
    post_rows = list(_post_groups_query(course).filter(author=user))
    participation = _participation_from_post_rows(post_rows, {c.lesson_id: c.prompts_total for c in frame.columns})
    overrides = dict(GradeOverride.objects.filter(course=course, student=user).values_list("item_key", "value"))
    grade = build_student_grade(
        frame, read=set(read_at), attempts=_by_quiz(tuple(row[f] for f in ATTEMPT_FIELDS) for row in attempt_rows),
        participation=participation, overrides=overrides,
    )
    last_activity = _latest(
        *read_at.values(),
        *(m for row in attempt_rows for m in (row["started_at"], row["submitted_at"], row["last_saved"])),
        *(row["last"] for row in post_rows),
        user.last_login,
    )
    return StudentStanding(
        frame=frame, grade=grade, read_at=read_at, attempts=dict(attempts), participation=participation,
        last_activity=last_activity,
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


def override_history(*, course: Course, student) -> tuple[list[GradeOverride], list[GradeOverrideLog]]:
    current = list(GradeOverride.objects.filter(course=course, student=student).select_related("set_by").order_by("item_key"))
    log = list(GradeOverrideLog.objects.filter(course=course, student=student).select_related("actor"))
    return current, log


# --------------------------------------------------------------------------- quiz statistics


def quiz_statistics_for(*, quiz) -> item_analysis.QuizStatistics:
    """Score distribution and item analysis of a quiz: three queries.

    Each student's *first* counted attempt (submitted, not a preview, fully
    graded) is analysed: later attempts follow the feedback of the first one,
    which would make questions look easier than they are, and one attempt per
    student keeps the correlations between independent people.
    """
    first: dict[int, dict] = {}
    counted = (
        Attempt.objects.filter(
            quiz=quiz, status=Attempt.Status.SUBMITTED, is_preview=False, needs_grading=False, score__isnull=False
        )
        .values("pk", "user_id", "number", "score", "max_score")
        .order_by("user_id", "number")
    )
    for row in counted:
        first.setdefault(row["user_id"], row)
    attempts = {row["pk"]: row for row in first.values() if row["max_score"]}
    responses: dict[int, list] = defaultdict(list)
    for row in Response.objects.filter(attempt_id__in=list(attempts)).values(
        "attempt_id", "question_id", "score", "fraction", "answer"
    ):
        responses[row["attempt_id"]].append(
            item_analysis.ResponseScore(
                question_id=row["question_id"],
                score=float(row["score"] or 0),
                fraction=float(row["fraction"] or 0),
                answer=row["answer"],
            )
        )
    results = [
        item_analysis.AttemptResult(
            total=float(row["score"]), max_total=float(row["max_score"]), responses=tuple(responses.get(pk, ()))
        )
        for pk, row in attempts.items()
    ]
    shown = {r.question_id for result in results for r in result.responses}
    questions = []
    for question in Question.objects.filter(quiz=quiz).exclude(type=Question.Type.DESCRIPTION).order_by("position", "version"):
        if not (question.is_active or question.pk in shown):
            continue
        questions.append(
            item_analysis.QuestionInfo(
                id=question.pk, title=question.title or question.text[:80], type=question.type, choices=_choices(question)
            )
        )
    return item_analysis.quiz_statistics(questions, results)


def _choices(question: Question) -> tuple:
    data = question.data or {}
    if question.type == Question.Type.TRUEFALSE:
        correct = bool(data.get("correct"))
        return (
            item_analysis.Choice(id="true", text=str(_("True")), fraction=1.0 if correct else 0.0),
            item_analysis.Choice(id="false", text=str(_("False")), fraction=0.0 if correct else 1.0),
        )
    if question.type in (Question.Type.MULTICHOICE, Question.Type.MULTICHOICE_MULTI):
        return tuple(
            item_analysis.Choice(id=a["id"], text=a.get("text", ""), fraction=float(a.get("fraction", 0) or 0))
            for a in data.get("answers", []) if "id" in a
        )
    return ()


# --------------------------------------------------------------------------- sorting and filtering the page


def _folded(text: str) -> str:
    """Lower case without accents, so "helene" finds "Hélène"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def gradebook_filter(
    rows: list[StudentRow], *, at_risk: bool = False, to_grade: bool = False, group: str = "", search: str = ""
) -> list[StudentRow]:
    words = _folded(search).split()
    selected = []
    for row in rows:
        if at_risk and not row.at_risk:
            continue
        if to_grade and not row.grade.pending_count:
            continue
        if group and row.enrollment.group != group:
            continue
        if words:
            user = row.user
            haystack = _folded(f"{user.first_name} {user.last_name} {user.username} {user.email}")
            if not all(word in haystack for word in words):
                continue
        selected.append(row)
    return selected


def _name_key(row: StudentRow):
    user = row.user
    return (_folded(user.last_name), _folded(user.first_name), user.username)


def class_roster(*, course: Course) -> tuple[list[int], list[str]]:
    """Every student's user id in the grid's name order (accents folded), and the groups, in one light query.

    Lets the unfiltered, name-sorted grid (its default view) compute only the page it shows.
    """
    rows = list(
        Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).values_list(
            "user_id", "user__last_name", "user__first_name", "user__username", "group"
        )
    )
    ordered = [row[0] for row in sorted(rows, key=lambda r: (_folded(r[1]), _folded(r[2]), r[3]))]
    return ordered, sorted({row[4] for row in rows if row[4]})


SORTS = {
    "name": _name_key,
    "group": lambda row: row.enrollment.group or None,
    "total": lambda row: row.grade.total_so_far,
    "projected": lambda row: row.grade.total_projected,
    "letter": lambda row: row.grade.total_so_far,  # letters follow the total; alphabetical order would put A- before A+
    "activity": lambda row: row.last_activity,
    # Most flags first when descending: risk reasons weigh more than an essay to grade.
    "flags": lambda row: (2 * len(row.risk_reasons) + bool(row.grade.pending_count)) or None,
}


def gradebook_sort(rows: list[StudentRow], *, sort: str) -> tuple[list[StudentRow], str]:
    """Rows sorted by `sort` ("total", "-total", "quiz:<lesson id>"…); empty values always last.

    Returns the rows and the sort actually applied (an unknown one falls back to the name).
    """
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    key = SORTS.get(name)
    if key is None:
        category, _sep, lesson = name.partition(":")
        if category in {c.value for c in Category} and lesson.isdigit():
            def key(row, _key=name):
                item = row.grade.items.get(_key)
                return item.value if item is not None else None
        else:
            name, descending, key = "name", False, SORTS["name"]
    present = [row for row in rows if key(row) is not None]
    empty = [row for row in rows if key(row) is None]
    # Ties keep the name order, whichever way the column is sorted.
    present.sort(key=_name_key)
    present.sort(key=key, reverse=descending)
    empty.sort(key=_name_key)
    return present + empty, ("-" if descending else "") + name
