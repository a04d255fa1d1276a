"""Writes about lessons: the course import and reading progress."""

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from coursesite.changes import changes_apply, changes_save
from courses.models import Course
from courses.signals import student_work_changed
from lessons.models import DiscussionPrompt, Lesson, LessonProgress
from lessons.seed_documents import LessonDocument, load_seed_folder

LESSON_FIELDS = (
    "slug", "position", "title", "author", "source", "published_on", "summary", "objectives", "blocks", "word_count",
    "instructor_note",
)
# Positions are unique per course; a re-ordered import parks lessons here first so two lessons
# that swap places never collide mid-update.
PARKING_OFFSET = 10_000


@dataclass
class ImportReport:
    course: Course
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # (lesson, path of its GIFT quiz) for the lessons that have one, for the quiz import that follows.
    quiz_sources: list[tuple[Lesson, Path]] = field(default_factory=list)


def _apply(instance, values: dict) -> list[str]:
    return list(changes_apply(instance, values))


def _prompts_sync(*, lesson: Lesson, document: LessonDocument) -> bool:
    """Update prompts in place by position; prompts no longer in the file are retired, never deleted."""
    changed = False
    existing = {prompt.position: prompt for prompt in lesson.prompts.all()}
    for position, prompt_doc in enumerate(document.prompts, start=1):
        values = {"title": prompt_doc.title, "body": prompt_doc.body, "is_active": True}
        prompt = existing.pop(position, None)
        if prompt is None:
            DiscussionPrompt.objects.create(lesson=lesson, position=position, **values)
            changed = True
        elif fields := _apply(prompt, values):
            prompt.save(update_fields=fields)
            changed = True
    for prompt in existing.values():
        if prompt.is_active:
            prompt.is_active = False
            prompt.save(update_fields=["is_active"])
            changed = True
    return changed


@transaction.atomic
def course_import(*, directory: Path) -> ImportReport:
    """Create or update the course and its lessons from a seed folder.

    The folder is read and checked completely before the first write, and the
    whole import runs in one transaction: a bad file leaves the database as it
    was. Rows whose content did not change are not saved, so a second run
    changes nothing. Student work (progress, attempts, posts) is never deleted.
    """
    course_doc, lesson_docs = load_seed_folder(directory)
    course, _created = Course.objects.get_or_create(slug=course_doc.slug, defaults={"title": course_doc.title})
    course_values = {
        "title": course_doc.title,
        "description": course_doc.description,
        "starts_on": course_doc.starts_on,
        "ends_on": course_doc.ends_on,
    }
    if fields := _apply(course, course_values):
        course.save(update_fields=[*fields, "updated_at"])
    report = ImportReport(course=course)

    lessons = {lesson.source_key: lesson for lesson in Lesson.objects.filter(course=course)}
    moving = [
        lessons[doc.source_key]
        for doc in lesson_docs
        if doc.source_key in lessons and lessons[doc.source_key].position != doc.position
    ]
    for lesson in moving:
        lesson.position += PARKING_OFFSET
        lesson.save(update_fields=["position"])

    for doc in lesson_docs:
        values = {name: getattr(doc, name) for name in LESSON_FIELDS}
        values["author"] = values["author"] or ""
        values["source"] = values["source"] or ""
        lesson = lessons.get(doc.source_key)
        if lesson is None:
            lesson = Lesson.objects.create(course=course, source_key=doc.source_key, **values)
            report.created.append(lesson.slug)
            _prompts_sync(lesson=lesson, document=doc)
        else:
            fields = _apply(lesson, values)
            if fields:
                lesson.save(update_fields=[*fields, "updated_at"])
            prompts_changed = _prompts_sync(lesson=lesson, document=doc)
            (report.updated if fields or prompts_changed else report.unchanged).append(lesson.slug)
        if doc.gift_path:
            report.quiz_sources.append((lesson, doc.gift_path))
    return report


@transaction.atomic
def lesson_mark_read(*, lesson: Lesson, user) -> LessonProgress:
    """Record that the user read the lesson; marking it again keeps the first date."""
    progress, created = LessonProgress.objects.get_or_create(
        lesson=lesson, user=user, defaults={"read_at": timezone.now()}
    )
    if created:
        student_work_changed(user_ids=[user.pk], course_id=lesson.course_id)
    return progress


@transaction.atomic
def lesson_mark_unread(*, lesson: Lesson, user) -> None:
    if LessonProgress.objects.filter(lesson=lesson, user=user).delete()[0]:
        student_work_changed(user_ids=[user.pk], course_id=lesson.course_id)


# --- Lessons and prompts written from the studio: each returns what changed, for the caller's audit ------

LESSON_EDITABLE_FIELDS = ("title", "summary", "objectives", "is_published")
PROMPT_EDITABLE_FIELDS = ("title", "body", "is_active")


@transaction.atomic
def lesson_update(*, lesson: Lesson, **values) -> dict[str, list]:
    """Change a lesson's title, summary, objectives or publication; only what changed is saved. {field: [old, new]}."""
    return changes_save(lesson, values, allowed=LESSON_EDITABLE_FIELDS, touch=("updated_at",))


@transaction.atomic
def lesson_move(*, lesson: Lesson, direction: str, seen_at: int | None = None) -> bool:
    """Swap the lesson with its neighbour above ("up") or below ("down"); False at either end.

    `seen_at` is the place (from 0) the page showed it at: a repeated click (a double post) finds it
    moved already and does nothing.
    """
    siblings = list(Lesson.objects.select_for_update().filter(course_id=lesson.course_id).order_by("position"))
    index = next(i for i, other in enumerate(siblings) if other.pk == lesson.pk)
    other_index = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other_index < len(siblings) or seen_at not in (None, index):
        return False
    other = siblings[other_index]
    first, second = lesson.position, other.position
    # Positions are unique per course: one row is parked out of the way while the two swap.
    lesson.position = first + PARKING_OFFSET
    lesson.save(update_fields=["position"])
    other.position = first
    other.save(update_fields=["position"])
    lesson.position = second
    lesson.save(update_fields=["position"])
    return True


@transaction.atomic
def prompt_add(*, lesson: Lesson, title: str, body: str) -> DiscussionPrompt:
    last = lesson.prompts.aggregate(last=Max("position"))["last"] or 0
    return DiscussionPrompt.objects.create(lesson=lesson, position=last + 1, title=title.strip(), body=body.strip())


@transaction.atomic
def prompt_update(*, prompt: DiscussionPrompt, **values) -> dict[str, list]:
    """Reword a prompt or retire it (is_active False) / bring it back; answers are never deleted. {field: [old, new]}."""
    return changes_save(prompt, values, allowed=PROMPT_EDITABLE_FIELDS)

