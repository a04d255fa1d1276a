from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from courses.admin import CourseScopedAdminMixin, TaughtCourseAdminMixin
from quizzes.models import Attempt, Question, Quiz
from quizzes.services import quiz_regrade


class QuestionInline(CourseScopedAdminMixin, admin.TabularInline):
    model = Question
    fields = ("position", "title", "type", "version", "is_active", "points")
    readonly_fields = ("title", "type", "version")
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Quiz)
class QuizAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    course_lookup = "lesson__course"
    list_display = ("lesson", "opens_at", "due_at", "time_limit_minutes", "max_attempts", "grading_method", "review_policy")
    list_filter = ("lesson__course",)
    inlines = [QuestionInline]
    actions = ["regrade_attempts"]
    fieldsets = (
        (None, {"fields": ("lesson",)}),
        (_("Dates"), {"fields": ("opens_at", "due_at", "late_policy")}),
        (_("Attempts"), {"fields": ("time_limit_minutes", "max_attempts", "grading_method")}),
        (_("Presentation"), {"fields": ("shuffle_questions", "shuffle_choices", "review_policy")}),
    )

    @admin.action(description=_("Regrade all attempts against the current answer keys"))
    def regrade_attempts(self, request, queryset):
        for quiz in queryset:
            changed = quiz_regrade(quiz=quiz, actor=request.user)
            self.message_user(
                request,
                ngettext("%(quiz)s: %(count)d score changed.", "%(quiz)s: %(count)d scores changed.", changed)
                % {"quiz": quiz, "count": changed},
                messages.SUCCESS,
            )


@admin.register(Question)
class QuestionAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    course_lookup = "quiz__lesson__course"
    list_display = ("title", "quiz", "type", "position", "version", "is_active")
    list_filter = ("quiz__lesson__course", "type", "is_active")
    search_fields = ("title", "text")
    readonly_fields = ("key", "version")

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        class OneActiveVersionForm(form):
            def clean(self):
                # `key` is read-only, so the model's own check of "one active version per key" is skipped: do it here.
                cleaned = super().clean()
                quiz, instance = cleaned.get("quiz"), self.instance
                if cleaned.get("is_active") and quiz is not None and instance.key:
                    twins = Question.objects.filter(quiz=quiz, key=instance.key, is_active=True).exclude(pk=instance.pk)
                    if twins.exists():
                        self.add_error("is_active", _("Another version of this question is active in this quiz."))
                return cleaned

        return OneActiveVersionForm


@admin.register(Attempt)
class AttemptAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    course_lookup = "quiz__lesson__course"
    list_display = ("user", "quiz", "number", "status", "score", "max_score", "needs_grading", "is_late", "is_preview")
    list_filter = ("quiz__lesson__course", "status", "needs_grading", "is_late", "is_preview")
    search_fields = ("user__username", "user__email")
    readonly_fields = [f.name for f in Attempt._meta.fields]

    def has_add_permission(self, request):
        return False





