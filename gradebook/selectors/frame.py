"""The course's frame: what the course asks of every student (scheme, lessons, due dates)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from datetime import datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from gradebook.computation import (
    MANUAL_PREFIX, REVIEW_KEY, TOTAL_KEY, Category, LessonWork, ManualWork, Scheme, custom_category_key, item_key,
    lesson_items, letter_scale_from_json, manual_key,
)
from gradebook.models import GradingScheme, ManualItem
from lessons.models import Lesson
from lessons.selectors import course_lessons
from quizzes.dates import quiz_dates_exceptions
from quizzes.models import Question



@dataclass(frozen=True)
class LessonColumn:
    lesson: Lesson
    lesson_id: int
    quiz_id: int | None
    grading_method: str
    due_at: datetime | None  # the quiz's due date, else the end of the course; None: never due
    quiz_due_at: datetime | None
    prompts_total: int
    # The newest active question version of the quiz: a re-import that swaps or corrects questions moves it
    # (the review credit counts the cards of active questions, which the count alone may not see change).
    questions_version: int | None = None

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


@dataclass(frozen=True)
class ManualColumn:
    """An instructor's manual item (`gradebook.models.ManualItem`) as the grid and the computation see it."""

    item_id: int
    title: str
    category: str  # "quiz", "participation", "reading" or "custom:<id>"
    category_title: str
    category_weight: int
    weight: int
    max_points: Decimal
    due_at: datetime | None

    @property
    def key(self) -> str:
        return manual_key(self.item_id)

    def work(self, *, past_due: bool, points: Decimal | None = None) -> ManualWork:
        return ManualWork(
            item_id=self.item_id, category=self.category, weight=self.weight, max_points=self.max_points,
            is_past_due=past_due, points=points,
        )


BUILTIN_TITLES = {
    Category.QUIZ: _("Quizzes"), Category.PARTICIPATION: _("Discussion participation"), Category.READING: _("Lessons read"),
}


@dataclass
class GradebookFrame:
    """What the course asks of every student: the scheme and each lesson's items and due date."""

    course: Course
    scheme_record: GradingScheme  # unsaved until an instructor saves the settings: the defaults apply
    scheme: Scheme
    columns: list[LessonColumn]
    now: datetime
    manual_columns: list[ManualColumn] = field(default_factory=list)
    # Per lesson id, the items of a student who has done nothing in it yet: computed once, shared by all.
    empty_items: dict[int, list] = field(default_factory=dict)
    # (lesson id, user id) -> that student's own due date, where an override gives them one (`quizzes.dates`).
    own_due: dict[tuple[int, int], datetime | None] = field(default_factory=dict)

    def due_for(self, column: LessonColumn | ManualColumn, user_id: int | None = None) -> datetime | None:
        """When this column is due for this student: their own quiz due date if they have one (a manual item
        has one date for everyone)."""
        if user_id is not None and getattr(column, "has_quiz", False) and (column.lesson_id, user_id) in self.own_due:
            return self.own_due[(column.lesson_id, user_id)] or column.due_at
        return column.due_at

    def is_past_due(self, column: LessonColumn | ManualColumn, user_id: int | None = None) -> bool:
        due_at = self.due_for(column, user_id)
        return due_at is not None and self.now > due_at

    @property
    def own_due_users(self) -> set[int]:
        return {user_id for _lesson_id, user_id in self.own_due}

    def has_own_due(self, lesson_id: int, user_id: int | None) -> bool:
        return user_id is not None and (lesson_id, user_id) in self.own_due

    def column_for(self, column: LessonColumn, user_id: int) -> LessonColumn:
        """The column as this student sees it: their own due date in place of the quiz's."""
        if not self.has_own_due(column.lesson_id, user_id) or not column.has_quiz:
            return column
        due_at = self.due_for(column, user_id)
        return replace(column, due_at=due_at, quiz_due_at=due_at)

    @property
    def has_work_past_due(self) -> bool:
        return any(self.is_past_due(column) for column in self.columns)

    def manual_work(self, column: ManualColumn, points: Decimal | None = None) -> ManualWork:
        return column.work(past_due=self.is_past_due(column), points=points)

    @property
    def quiz_lessons(self) -> dict[int, int]:
        """quiz id -> lesson id."""
        return {c.quiz_id: c.lesson_id for c in self.columns if c.has_quiz}

    def item_label(self, key: str) -> str:
        if key == TOTAL_KEY:
            return str(_("Course total"))
        if key == REVIEW_KEY:
            return str(_("Participation – Reviews"))
        if key.startswith(MANUAL_PREFIX + ":"):
            manual = next((c for c in self.manual_columns if c.key == key), None)
            return manual.title if manual else key
        category, _sep, lesson_id = key.partition(":")
        column = next((c for c in self.columns if str(c.lesson_id) == lesson_id), None)
        title = column.lesson.title if column else lesson_id
        label = {
            Category.QUIZ: _("Quiz"), Category.PARTICIPATION: _("Participation"), Category.READING: _("Reading"),
        }.get(category, category)
        return f"{label} – {title}"

    def item_keys(self) -> list[str]:
        """The lessons' cells of a row (the items an override may replace; manual items are entered as they are)."""
        return [key for column in self.columns for _category, key in column.cells()]


def scheme_from_record(record: GradingScheme, manual_columns: list[ManualColumn] = ()) -> Scheme:
    extra = {c.category: Decimal(c.category_weight) for c in manual_columns if c.category.startswith("custom:")}
    return Scheme(
        extra_weights=tuple(extra.items()),
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


def manual_columns_for(*, course: Course) -> list[ManualColumn]:
    """The course's manual items with their category: one query."""
    columns = []
    for item in ManualItem.objects.filter(course=course).select_related("category").order_by("position", "pk"):
        if item.category_id is not None:
            category, title, weight = custom_category_key(item.category_id), item.category.title, item.category.weight
        else:
            category, title, weight = item.builtin_category, str(BUILTIN_TITLES[item.builtin_category]), None
        columns.append(ManualColumn(
            item_id=item.pk, title=item.title, category=category, category_title=title,
            category_weight=weight if weight is not None else 0, weight=item.weight, max_points=item.max_points,
            due_at=item.due_at,
        ))
    return columns


def gradebook_frame(*, course: Course, now: datetime | None = None, scheme_record: GradingScheme | None = None) -> GradebookFrame:
    """The scheme, the published lessons with their quiz and prompt count: two queries, and one more for the
    manual items when the course has any (or when `scheme_record`, an unsaved scheme for a preview, is given).

    An unpublished lesson asks nothing of students yet (they cannot open it), so it has no column
    and counts in no total; publishing it changes the frame, and so the kept standings.
    `scheme_record` (an unsaved scheme, for a preview) replaces the saved one: one query, and every
    total computed with this frame is what the gradebook would show under it.
    """
    # The scheme says whether the course has manual items (`manual_item_save` makes sure it is saved first):
    # a course without any pays no query for them. A preview's unsaved scheme cannot say, so it asks.
    if scheme_record is not None:
        record = scheme_record
        record.has_manual_items = ManualItem.objects.filter(course=course).exists()
    else:
        record = (
            GradingScheme.objects.filter(course=course)
            .annotate(has_manual_items=Exists(ManualItem.objects.filter(course=OuterRef("course"))))
            .first()
        ) or GradingScheme(course=course)
    gradable = Q(quiz__questions__is_active=True) & ~Q(quiz__questions__type=Question.Type.DESCRIPTION)
    lessons = (
        course_lessons(course=course, published_only=True)
        .select_related("quiz")
        .only(
            "pk", "slug", "title", "position", "course_id", "quiz__id", "quiz__grading_method",
            "quiz__opens_at", "quiz__due_at", "quiz__time_limit_minutes", "quiz__max_attempts",
        )
        .annotate(
            prompts_total=Count("prompts", filter=Q(prompts__is_active=True), distinct=True),
            questions_total=Count("quiz__questions", filter=gradable, distinct=True),
            questions_version=Max("quiz__questions__pk", filter=Q(quiz__questions__is_active=True)),
        )
    )
    course_end = _course_end(course)
    columns = []
    quizzes = []
    for lesson in lessons:
        quiz = getattr(lesson, "quiz", None)
        # A quiz without a question cannot be taken, so it cannot be owed either.
        has_quiz = quiz is not None and lesson.questions_total > 0
        quiz_due = quiz.due_at if quiz is not None else None
        if has_quiz:
            quizzes.append(quiz)
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
                questions_version=lesson.questions_version,
            )
        )
    manual = manual_columns_for(course=course) if getattr(record, "has_manual_items", False) else []
    frame = GradebookFrame(
        course=course, scheme_record=record, scheme=scheme_from_record(record, manual), columns=columns,
        now=now or timezone.now(), manual_columns=manual,
    )
    # Students with their own due date (an override): one query when there is none.
    lesson_of_quiz = {column.quiz_id: column.lesson_id for column in columns if column.has_quiz}
    frame.own_due = {
        (lesson_of_quiz[quiz_id], user_id): dates.due_at
        for (quiz_id, user_id), dates in quiz_dates_exceptions(quizzes=quizzes).items()
        if dates.due_at != next(c.quiz_due_at for c in columns if c.quiz_id == quiz_id)
    }
    for column in columns:
        nothing_done = _lesson_work(frame, column, read=False, attempts=(), part=None)
        frame.empty_items[column.lesson_id] = lesson_items(nothing_done, frame.scheme)
    return frame


def _lesson_work(
    frame: GradebookFrame, column: LessonColumn, *, read: bool, attempts, part, user_id: int | None = None
) -> LessonWork:
    return LessonWork(
        lesson_id=column.lesson_id,
        is_past_due=frame.is_past_due(column, user_id),
        has_quiz=column.has_quiz,
        grading_method=column.grading_method,
        attempts=tuple(attempts) if column.has_quiz else (),
        prompts_total=column.prompts_total,
        prompts_answered=part.prompts_answered if part else 0,
        posts=(part.replies + part.threads_started) if part else 0,
        read=read,
    )


def frame_fingerprint(frame: GradebookFrame) -> str:
    """A short digest of everything course-wide that a grade depends on, at the frame's moment.

    The scheme, each lesson's quiz, grading method, due date, prompt count and newest active
    question version, and which lessons are past due *now*: a kept standing computed under another fingerprint is stale
    (a due date passed or was moved, the scheme or a quiz changed), whatever changed it.
    """
    record = frame.scheme_record
    parts = [
        repr([getattr(record, name) for name in (
            "quiz_weight", "participation_weight", "reading_weight", "full_participation_percent",
            "replies_only_percent", "late_penalty_percent", "letter_scale", "extra_weight",
        )]),
    ]
    for manual in frame.manual_columns:
        parts.append(repr((manual, frame.is_past_due(manual))))
    for column in frame.columns:
        parts.append(repr((
            column.lesson_id, column.quiz_id, column.grading_method, column.due_at and column.due_at.isoformat(),
            column.quiz_due_at and column.quiz_due_at.isoformat(), column.prompts_total, frame.is_past_due(column),
            column.questions_version,
        )))
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=8).hexdigest()


def student_fingerprint(frame: GradebookFrame, user_id: int, course_fingerprint: str | None = None) -> str:
    """The state one student's standing is computed under: the course's fingerprint and, for a student with
    their own due dates (an override, `quizzes.dates`), which of those have passed *now*.

    Only that student's standing goes stale when their own date passes; an override's write, or a group
    change, refreshes its students in its own transaction (`courses.signals`)."""
    course_fingerprint = course_fingerprint or frame_fingerprint(frame)
    if user_id not in frame.own_due_users:
        return course_fingerprint
    columns = {column.lesson_id: column for column in frame.columns}
    own = sorted(
        (lesson_id, frame.is_past_due(columns[lesson_id], user_id)) for lesson_id, owner in frame.own_due if owner == user_id
    )
    return hashlib.blake2b(f"{course_fingerprint}\n{own!r}".encode(), digest_size=8).hexdigest()
