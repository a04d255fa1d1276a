from django.contrib import admin

from courses.admin import CourseScopedAdminMixin, TaughtCourseAdminMixin
from lessons.models import DiscussionPrompt, Lesson, LessonProgress


class DiscussionPromptInline(CourseScopedAdminMixin, admin.StackedInline):
    model = DiscussionPrompt
    extra = 0


@admin.register(Lesson)
class LessonAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    list_display = ("title", "course", "position", "slug", "author")
    list_filter = ("course",)
    search_fields = ("title", "author")
    inlines = [DiscussionPromptInline]
    readonly_fields = ("source_key", "word_count")


@admin.register(LessonProgress)
class LessonProgressAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    course_lookup = "lesson__course"
    enrolled_user_fields = ("user",)
    list_display = ("user", "lesson", "read_at")
    list_filter = ("lesson__course",)
    search_fields = ("user__username", "user__email")
