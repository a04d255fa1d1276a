from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Course

# Bounds of what the studio accepts, each well above the seeded course (summaries under 800 characters,
# objectives under 250, prompts under 650): every view renders these texts, so none may be unbounded.
MAX_SUMMARY_LENGTH = 5_000
MAX_OBJECTIVES = 20
MAX_OBJECTIVE_LENGTH = 500
MAX_PROMPT_BODY_LENGTH = 5_000
# The longest seed article is under 25,000 characters; the rendering is linear (coursesite.markdown_input).
MAX_READING_LENGTH = 100_000
MAX_INSTRUCTOR_NOTE_LENGTH = 10_000


class Lesson(models.Model):
    """One reading of the course, imported from a seed document and its companion file."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    source_key = models.CharField(
        _("source key"),
        max_length=100,
        help_text=_("Name of the seed file this lesson is imported from; the import matches lessons by it."),
    )
    slug = models.SlugField(_("slug"), max_length=80)
    position = models.PositiveIntegerField(_("position"), help_text=_("Place in the teaching order."))
    title = models.CharField(_("title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    summary = models.TextField(_("summary"))
    objectives = models.JSONField(_("learning objectives"), default=list)
    # Paragraphs the instructor adds to the reading, shown apart and marked as theirs: for instance
    # definitions the article relies on without giving them (a table missing from the pasted page).
    instructor_note = models.JSONField(_("instructor’s note"), default=list, blank=True)
    # The reading as structured blocks ({"kind": "heading"|"paragraph"|"list", ...}), computed at
    # import time so a page view never re-parses the seed text.
    blocks = models.JSONField(_("text blocks"), default=list)
    word_count = models.PositiveIntegerField(_("word count"), default=0)
    # The reading as written in the studio (Markdown), and its HTML rendered once at save time through
    # `lessons.rendering` (sanitised, French typography). Empty for a lesson whose reading came from a seed
    # text: the page shows `blocks` then.
    reading_markdown = models.TextField(_("reading (Markdown)"), blank=True)
    reading_html = models.TextField(blank=True, editable=False)
    # Unpublished lessons are visible to the course's staff only.
    is_published = models.BooleanField(_("published"), default=True)
    # Students see the lesson from this moment on (midnight of the chosen day in the course's zone);
    # before it, it does not exist for them. Empty: as soon as it is published.
    release_at = models.DateTimeField(_("visible from"), null=True, blank=True)
    # Hash of the content the last `import_course` wrote (see `lessons.services.lesson_content_fingerprint`):
    # a lesson whose content no longer matches it was edited in the site, and a re-import leaves it alone
    # unless forced. Empty for a lesson created in the site.
    import_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "slug"], name="lesson_slug_unique_in_course"),
            models.UniqueConstraint(fields=["course", "source_key"], name="lesson_source_unique_in_course"),
            models.UniqueConstraint(fields=["course", "position"], name="lesson_position_unique_in_course"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def reading_minutes(self) -> int:
        # About 200 words a minute for a careful read in a second language.
        return max(1, round(self.word_count / 200))


class DiscussionPrompt(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="prompts")
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("question"))
    # A prompt removed from the companion file is retired, not deleted: answers may point to it.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("discussion prompt")
        verbose_name_plural = _("discussion prompts")
        ordering = ["lesson", "position"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "position"], name="prompt_position_unique_in_lesson"),
        ]

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    """A student's reading of a lesson; never touched by a content import."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress_records")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress")
    read_at = models.DateTimeField(_("marked as read at"))

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(fields=["lesson", "user"], name="progress_one_per_lesson_and_user"),
        ]
