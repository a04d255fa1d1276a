"""Reads about lessons, each a fixed number of queries whatever the class size."""

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from courses.models import Course
from courses.selectors import CourseAccess
from lessons.models import DiscussionPrompt, Lesson, LessonProgress


@dataclass(frozen=True)
class LessonStanding:
    lesson: Lesson
    read_at: object  # datetime | None


@dataclass(frozen=True)
class CourseProgress:
    standings: list[LessonStanding]

    @property
    def total(self) -> int:
        return len(self.standings)

    @property
    def read_count(self) -> int:
        return sum(1 for s in self.standings if s.read_at)

    @property
    def percent(self) -> int:
        return round(100 * self.read_count / self.total) if self.total else 0

    @property
    def next_lesson(self) -> Lesson | None:
        return next((s.lesson for s in self.standings if not s.read_at), None)


def visible_to_students(lesson_path: str = "") -> Q:
    """The one rule of what students may see of a course: a lesson that is published and released.

    `lesson_path` leads from the queried model to its lesson ("quiz__lesson__" from a card, "lesson__"
    from a quiz). Every student-facing read (pages, reminders, review, the calendar, the gradebook)
    filters through this. A lesson with a release date (« Visible à partir du… ») is hidden until that
    moment, read from the clock when the query is built: a page, a sweep or a feed asks again each time.
    """
    return Q(**{f"{lesson_path}is_published": True}) & (
        Q(**{f"{lesson_path}release_at__isnull": True}) | Q(**{f"{lesson_path}release_at__lte": timezone.now()})
    )


def lesson_visible_to_students(lesson: Lesson) -> bool:
    """The same rule on a lesson in hand (for a page that shows staff why students do not see it)."""
    return lesson.is_published and (lesson.release_at is None or lesson.release_at <= timezone.now())


def course_lessons(*, course: Course, published_only: bool = False) -> QuerySet[Lesson]:
    # The page lists lessons, not their text: leave the heavy JSON out.
    lessons = Lesson.objects.filter(course=course).defer("blocks", "reading_markdown", "reading_html").order_by("position")
    return lessons.filter(visible_to_students()) if published_only else lessons


def course_progress(*, course: Course, user, published_only: bool = False) -> CourseProgress:
    """The user's reading standing in each lesson, in two queries (students see published lessons only)."""
    lessons = list(course_lessons(course=course, published_only=published_only))
    read = dict(
        LessonProgress.objects.filter(user=user, lesson__course=course).values_list("lesson_id", "read_at")
    )
    return CourseProgress(standings=[LessonStanding(lesson=l, read_at=read.get(l.pk)) for l in lessons])


def lesson_access(*, access: CourseAccess, slug: str) -> Lesson:
    """The one permission-checked way to open a lesson: its active prompts and quiz, in one query.

    Staff see every lesson of the course; a student gets 404 for a lesson not visible to students,
    as if it did not exist. Everything hanging off a lesson (its quiz, threads, attempts) goes through
    this rule, so "unpublished" is never a flag a caller must remember.
    """
    active_prompts = Prefetch(
        "prompts", queryset=DiscussionPrompt.objects.filter(is_active=True).order_by("position"), to_attr="active_prompts"
    )
    try:
        # The quiz (if any) comes in the same query: the lesson page links to it.
        lessons = Lesson.objects if access.is_staff else Lesson.objects.filter(visible_to_students())
        return lessons.select_related("quiz").prefetch_related(active_prompts).get(course=access.course, slug=slug)
    except Lesson.DoesNotExist:
        raise Http404 from None


def lesson_neighbours(*, access: CourseAccess, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
    """The lessons before and after, among those the viewer may open (a student never gets a link to a hidden one)."""
    siblings = Lesson.objects.filter(course_id=lesson.course_id)
    if not access.is_staff:
        siblings = siblings.filter(visible_to_students())
    siblings = list(siblings.only("slug", "title", "position").order_by("position"))
    index = next(i for i, s in enumerate(siblings) if s.pk == lesson.pk)
    previous = siblings[index - 1] if index > 0 else None
    following = siblings[index + 1] if index + 1 < len(siblings) else None
    return previous, following


def lesson_read_at(*, lesson: Lesson, user):
    return LessonProgress.objects.filter(lesson=lesson, user=user).values_list("read_at", flat=True).first()
