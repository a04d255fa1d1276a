"""Writes about lessons: the course import, lessons written in the site, and reading progress."""

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from coursesite.changes import changes_apply, changes_save
from courses.models import Course
from courses.signals import student_work_changed
from lessons.models import DiscussionPrompt, Lesson, LessonProgress
from lessons.rendering import reading_html, reading_word_count
from lessons.seed_documents import LessonDocument, load_seed_folder

LESSON_FIELDS = (
    "slug", "position", "title", "author", "source", "published_on", "summary", "objectives", "blocks", "word_count",
    "instructor_note",
)
# Positions are unique per course; a re-ordered import parks lessons here first so two lessons
# that swap places never collide mid-update.
PARKING_OFFSET = 10_000
# What the import writes and the site may edit: a lesson whose values of these (and its prompts) no longer
# hash to what the last import wrote was edited in the site. Position is not content (the seed folder
# orders the lessons); publication and the release date belong to the instructor and are never imported.
FINGERPRINT_FIELDS = (
    "slug", "title", "author", "source", "published_on", "summary", "objectives", "instructor_note", "blocks",
    "reading_markdown",
)
# Names the studio's URLs use next to a lesson's slug.
RESERVED_SLUGS = {"new"}
# Lessons written in the site have this source key prefix: no seed file is ever matched to them.
SITE_SOURCE_PREFIX = "site:"


@dataclass
class ImportReport:
    course: Course
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # (lesson, path of its GIFT quiz) for the lessons that have one, for the quiz import that follows.
    quiz_sources: list[tuple[Lesson, Path]] = field(default_factory=list)
    # (slug, field names the import would have changed) for lessons edited in the site and left alone.
    skipped: list[tuple[str, list[str]]] = field(default_factory=list)


def lesson_content_fingerprint(*, lesson: Lesson, prompts) -> str:
    """A hash of the lesson's imported content and its prompts, as they are now."""
    content = {name: getattr(lesson, name) for name in FINGERPRINT_FIELDS}
    content["prompts"] = sorted([p.position, p.title, p.body, p.is_active] for p in prompts)
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _fingerprint_save(lesson: Lesson) -> None:
    lesson.import_fingerprint = lesson_content_fingerprint(lesson=lesson, prompts=lesson.prompts.all())
    lesson.save(update_fields=["import_fingerprint"])


def _changes_from_import(*, lesson: Lesson, values: dict, document: LessonDocument) -> list[str]:
    """The field names an import of `document` would change on the lesson (nothing written)."""
    names = [name for name, value in values.items() if name not in ("position", "word_count") and getattr(lesson, name) != value]
    if lesson.reading_markdown:
        # The seed text replaces the reading written in the site.
        names = [name for name in names if name not in ("blocks", "reading_markdown")] + ["reading"]
    wanted = [(position, p.title, p.body) for position, p in enumerate(document.prompts, start=1)]
    current = [(p.position, p.title, p.body) for p in lesson.prompts.filter(is_active=True).order_by("position")]
    if wanted != current:
        names.append("prompts")
    return names


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
def course_import(*, directory: Path, force: bool = False) -> ImportReport:
    """Create or update the course and its lessons from a seed folder.

    The folder is read and checked completely before the first write, and the
    whole import runs in one transaction: a bad file leaves the database as it
    was. Rows whose content did not change are not saved, so a second run
    changes nothing. Student work (progress, attempts, posts) is never deleted.

    A lesson edited in the site since the import last wrote it (its content no longer hashes to
    `import_fingerprint`) is left as it is, and reported in `skipped` with the fields the import would
    change; `force` imports it anyway (its reading written in the site is replaced by the seed text).
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
    # Lessons written in the site keep their order, after the imported ones when a seed needs their place.
    seed_keys = {doc.source_key for doc in lesson_docs}
    seed_positions = {doc.position for doc in lesson_docs}
    site_lessons = sorted((l for l in lessons.values() if l.source_key not in seed_keys), key=lambda l: l.position)
    last = max([*seed_positions, *(l.position for l in site_lessons)], default=0)
    for lesson in site_lessons:
        if lesson.position in seed_positions:
            last += 1
            lesson.position = last
            lesson.save(update_fields=["position"])

    for doc in lesson_docs:
        values = {name: getattr(doc, name) for name in LESSON_FIELDS}
        values["author"] = values["author"] or ""
        values["source"] = values["source"] or ""
        # A reading written in the site gives way to the seed text.
        values["reading_markdown"] = values["reading_html"] = ""
        lesson = lessons.get(doc.source_key)
        if lesson is None:
            lesson = Lesson.objects.create(course=course, source_key=doc.source_key, **values)
            report.created.append(lesson.slug)
            _prompts_sync(lesson=lesson, document=doc)
            _fingerprint_save(lesson)
        elif not force and lesson_content_fingerprint(lesson=lesson, prompts=lesson.prompts.all()) != lesson.import_fingerprint:
            would_change = _changes_from_import(lesson=lesson, values=values, document=doc)
            if lesson.position != doc.position:
                lesson.position = doc.position
                lesson.save(update_fields=["position"])
            report.skipped.append((lesson.slug, would_change))
        else:
            fields = _apply(lesson, values)
            if fields:
                lesson.save(update_fields=[*fields, "updated_at"])
            prompts_changed = _prompts_sync(lesson=lesson, document=doc)
            _fingerprint_save(lesson)
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

LESSON_EDITABLE_FIELDS = (
    "title", "summary", "objectives", "reading_markdown", "instructor_note", "is_published", "release_at",
)
PROMPT_EDITABLE_FIELDS = ("title", "body", "is_active")


def _reading_values(reading_markdown: str) -> dict:
    html = reading_html(reading_markdown) if reading_markdown.strip() else ""
    return {"reading_html": html, "word_count": reading_word_count(html)}


@transaction.atomic
def lesson_update(*, lesson: Lesson, **values) -> dict[str, list]:
    """Change what the site edits of a lesson; only what changed is saved. {field: [old, new]}.

    A new reading is rendered once here (the page never renders Markdown); an empty one gives the
    page back its imported text.
    """
    changes = changes_save(lesson, values, allowed=LESSON_EDITABLE_FIELDS, touch=("updated_at",))
    if "reading_markdown" in changes:
        if lesson.reading_markdown.strip():
            rendered = _reading_values(lesson.reading_markdown)
        else:
            rendered = {"reading_html": "", "word_count": reading_word_count(" ".join(_block_texts(lesson.blocks)))}
        changes_save(lesson, rendered, allowed=("reading_html", "word_count"))
    return changes


def _block_texts(blocks: list[dict]):
    for block in blocks:
        yield block.get("text", "")
        yield from block.get("items", [])


def _unique_slug(*, course: Course, title: str) -> str:
    base = (slugify(title) or "lecon")[:70]
    taken = set(Lesson.objects.filter(course=course, slug__startswith=base).values_list("slug", flat=True)) | RESERVED_SLUGS
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    return slug


@transaction.atomic
def lesson_create(
    *, course: Course, title: str, summary: str, objectives: list[str], reading_markdown: str = "",
    instructor_note: list[str] | None = None, is_published: bool = False, release_at=None, slug: str | None = None,
) -> Lesson:
    """A lesson written in the site, placed last; its address comes from its title (made unique in the course)
    unless one is given (the admin's)."""
    # Lock the course's lessons: two creations at once would take the same last place.
    positions = list(Lesson.objects.select_for_update().filter(course=course).values_list("position", flat=True))
    slug = slug or _unique_slug(course=course, title=title)
    return Lesson.objects.create(
        course=course, source_key=f"{SITE_SOURCE_PREFIX}{slug}", slug=slug, position=max(positions, default=0) + 1,
        title=title, summary=summary, objectives=objectives, reading_markdown=reading_markdown,
        instructor_note=instructor_note or [], is_published=is_published, release_at=release_at,
        **_reading_values(reading_markdown),
    )


@transaction.atomic
def lesson_delete(*, lesson: Lesson) -> None:
    """Delete the lesson with its prompts and reading progress (the caller checked that nothing was answered)."""
    Lesson.objects.filter(pk=lesson.pk).delete()


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

