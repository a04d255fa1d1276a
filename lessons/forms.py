"""The lesson editor: one form for the studio and the Django admin, in the words an instructor uses.

Objectives are typed one per line and the instructor's note in paragraphs separated by a blank line
(both are lists in the database: nobody types JSON); the reading is Markdown with a live preview
(`static/js/lesson_editor.js` posts it to the page's preview address and shows the server's rendering,
the same `lessons.rendering.reading_html` the lesson page uses). The release date is a day: the lesson
appears to students at midnight of that day in the course's time zone.
"""

import datetime as dt
import re
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lessons.models import (
    MAX_INSTRUCTOR_NOTE_LENGTH, MAX_OBJECTIVE_LENGTH, MAX_OBJECTIVES, MAX_READING_LENGTH, MAX_SUMMARY_LENGTH, Lesson,
)
from lessons.rendering import blocks_as_markdown

_BLANK_LINE = re.compile(r"\n\s*\n")


class MarkdownWithPreview(forms.Textarea):
    """A Markdown textarea whose live preview `static/js/lesson_editor.js` shows in the element named by
    `data-preview-target` (created after the field when the page has none, as in the admin)."""

    def __init__(self, *, preview_url: str = "", attrs=None):
        super().__init__(attrs={
            "rows": 16, "spellcheck": "true", "class": "font-monospace", "data-preview-target": "reading-preview",
            **(attrs or {}),
        })
        self.preview_url = preview_url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-preview-url"] = self.preview_url
        context["widget"]["attrs"]["data-preview-label"] = str(_("Preview of the reading"))
        return context


def course_zone(course) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(course, "time_zone", "") or "America/Montreal")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("America/Montreal")


def release_at_from_day(day: dt.date | None, course) -> dt.datetime | None:
    """Midnight of the day in the course's zone: the moment students see the lesson."""
    return None if day is None else dt.datetime.combine(day, dt.time(0, 0), tzinfo=course_zone(course))


def release_day(release_at: dt.datetime | None, course) -> dt.date | None:
    return None if release_at is None else release_at.astimezone(course_zone(course)).date()


class LessonContentForm(forms.Form):
    """What the site edits of a lesson. `cleaned_data` holds model values (lists, a datetime), ready for
    `lessons.services.lesson_create` / `lesson_update`."""

    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(label=_("Summary"), max_length=MAX_SUMMARY_LENGTH, widget=forms.Textarea(attrs={"rows": 4}))
    objectives = forms.CharField(
        label=_("Learning objectives"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        max_length=MAX_OBJECTIVES * (MAX_OBJECTIVE_LENGTH + 2),
        help_text=_("One objective per line."),
    )
    reading_markdown = forms.CharField(
        label=_("The reading"), required=False, max_length=MAX_READING_LENGTH, widget=MarkdownWithPreview(),
        help_text=_("In Markdown: “## Heading”, “- item” for a list, “[text](https://…)” for a link, a blank line between "
                    "paragraphs. The preview below shows it as students will read it."),
    )
    instructor_note = forms.CharField(
        label=_("Instructor’s note"), required=False, max_length=MAX_INSTRUCTOR_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown apart from the reading and marked as yours. A blank line between paragraphs."),
    )
    is_published = forms.BooleanField(label=_("Published (students see it)"), required=False)
    release_on = forms.DateField(
        label=_("Visible from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Students see the lesson from midnight of this day (the course’s time zone); before it, it does not "
                    "exist for them. Empty: as soon as it is published."),
    )

    def __init__(self, *args, course=None, preview_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course
        self.fields["reading_markdown"].widget.preview_url = preview_url

    @staticmethod
    def initial_from(lesson: Lesson, course=None) -> dict:
        return {
            "title": lesson.title, "summary": lesson.summary, "objectives": "\n".join(lesson.objectives),
            "reading_markdown": lesson.reading_markdown or blocks_as_markdown(lesson.blocks),
            "instructor_note": "\n\n".join(lesson.instructor_note), "is_published": lesson.is_published,
            "release_on": release_day(lesson.release_at, course or lesson.course),
        }

    def clean_objectives(self):
        objectives = [line.strip() for line in self.cleaned_data["objectives"].splitlines() if line.strip()]
        if len(objectives) > MAX_OBJECTIVES:
            raise ValidationError(_("At most %(max)d objectives."), params={"max": MAX_OBJECTIVES})
        for number, objective in enumerate(objectives, start=1):
            if len(objective) > MAX_OBJECTIVE_LENGTH:
                raise ValidationError(_("Objective %(number)d is longer than %(max)d characters."),
                                      params={"number": number, "max": MAX_OBJECTIVE_LENGTH})
        return objectives

    def clean_reading_markdown(self):
        text = self.cleaned_data["reading_markdown"].replace("\r\n", "\n")
        if "\x00" in text:
            raise ValidationError(_("The text contains NUL characters."))
        return text

    def clean_instructor_note(self):
        text = self.cleaned_data["instructor_note"].replace("\r\n", "\n")
        return [" ".join(paragraph.split()) for paragraph in _BLANK_LINE.split(text) if paragraph.strip()]

    def clean(self):
        cleaned = super().clean()
        if "release_on" in cleaned:
            cleaned["release_at"] = release_at_from_day(cleaned.pop("release_on"), self.course)
        return cleaned

    def lesson_values(self, *, keep_reading_of: Lesson | None = None) -> dict:
        """The model values; an imported reading left as the editor showed it stays the imported text."""
        values = {name: self.cleaned_data[name] for name in (
            "title", "summary", "objectives", "reading_markdown", "instructor_note", "is_published", "release_at")}
        if keep_reading_of is not None and not keep_reading_of.reading_markdown:
            if values["reading_markdown"].strip() == blocks_as_markdown(keep_reading_of.blocks).strip():
                values["reading_markdown"] = ""
        return values
