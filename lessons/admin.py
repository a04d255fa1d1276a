from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from courses.admin import CourseScopedAdminMixin, TaughtCourseAdminMixin
from courses.audit import Action, audit_record
from lessons.forms import LessonContentForm
from lessons.models import MAX_READING_LENGTH, DiscussionPrompt, Lesson, LessonProgress
from lessons.rendering import reading_html
from lessons.services import RESERVED_SLUGS, lesson_create, lesson_update


class DiscussionPromptInline(CourseScopedAdminMixin, admin.StackedInline):
    model = DiscussionPrompt
    extra = 0


class LessonAdminForm(forms.ModelForm, LessonContentForm):
    """The studio's lesson editor (`lessons.forms.LessonContentForm`) with the admin's course and address."""

    class Meta:
        model = Lesson
        fields = ["course", "slug", "title", "author", "source", "published_on", "summary", "objectives",
                  "reading_markdown", "instructor_note", "is_published"]
        labels = {"course": _("Course"), "slug": _("Address (slug)"), "author": _("Author"), "source": _("Source"),
                  "published_on": _("Published on")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.course = self.instance.course
            self.initial.update(LessonContentForm.initial_from(self.instance))
        self.fields["reading_markdown"].widget.preview_url = reverse("admin:lessons_lesson_reading_preview")

    class Media:
        js = ["js/lesson_editor.js"]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_SLUGS:
            raise ValidationError(_("This address is reserved: choose another one."))
        return slug

    def clean(self):
        if self.course is None:
            self.course = self.cleaned_data.get("course")
        super().clean()
        # The model form's clean() does not chain to the editor's (which turns the day into a moment).
        cleaned = LessonContentForm.clean(self)
        if "release_at" in cleaned:
            self.instance.release_at = cleaned["release_at"]
        return cleaned


@admin.register(Lesson)
class LessonAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    form = LessonAdminForm
    list_display = ("title", "course", "position", "slug", "is_published", "release_at")
    list_filter = ("course",)
    search_fields = ("title", "author")
    inlines = [DiscussionPromptInline]
    readonly_fields = ("source_key", "position", "word_count")
    fieldsets = (
        (None, {"fields": ("course", "slug", "title", "summary", "objectives", "reading_markdown", "instructor_note")}),
        (_("Publication"), {"fields": ("is_published", "release_on")}),
        (_("Source"), {"fields": ("author", "source", "published_on", "source_key", "position", "word_count")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # A lesson's course and address are chosen once: links, threads and imports point to them.
        return (*self.readonly_fields, "course", "slug") if obj is not None else self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        # Deleting is the studio's, which first checks that no student answered the lesson.
        return False

    def get_urls(self):
        preview = self.admin_site.admin_view(require_POST(self.reading_preview))
        return [path("reading-preview/", preview, name="lessons_lesson_reading_preview"), *super().get_urls()]

    def reading_preview(self, request):
        text = request.POST.get("reading_markdown", "")[:MAX_READING_LENGTH]
        return HttpResponse(reading_html(text), content_type="text/html; charset=utf-8")

    def save_model(self, request, obj, form, change):
        """Through the lessons' services (the reading rendered once, a new lesson placed last) and the audit trail."""
        values = form.lesson_values(keep_reading_of=Lesson.objects.get(pk=obj.pk) if change else None)
        extra = {name: form.cleaned_data[name] for name in ("author", "source", "published_on")}
        if change:
            lesson = Lesson.objects.get(pk=obj.pk)
            changes = lesson_update(lesson=lesson, **values)
            source_changes = {name: [getattr(lesson, name), value] for name, value in extra.items() if getattr(lesson, name) != value}
            if source_changes:
                Lesson.objects.filter(pk=lesson.pk).update(**extra)
                changes.update(source_changes)
            if changes:
                audit_record(course=lesson.course, actor=request.user, action=Action.LESSON_EDIT, target=lesson.title,
                             changes={name: ["…" if isinstance(o, str) and len(o) > 200 else o,
                                             "…" if isinstance(n, str) and len(n) > 200 else n] for name, (o, n) in changes.items()})
            lesson.refresh_from_db()
        else:
            lesson = lesson_create(course=obj.course, slug=obj.slug, **values)
            Lesson.objects.filter(pk=lesson.pk).update(**extra)
            audit_record(course=lesson.course, actor=request.user, action=Action.LESSON_CREATE, target=lesson.title,
                         changes={"slug": lesson.slug, "is_published": lesson.is_published, "release_at": lesson.release_at})
            lesson.refresh_from_db()
        obj.__dict__.update({name: value for name, value in lesson.__dict__.items() if name != "_state"})
        obj._state.adding = False
        obj._state.db = lesson._state.db


@admin.register(LessonProgress)
class LessonProgressAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    course_lookup = "lesson__course"
    enrolled_user_fields = ("user",)
    list_display = ("user", "lesson", "read_at")
    list_filter = ("lesson__course",)
    search_fields = ("user__username", "user__email")
