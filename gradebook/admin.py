from django.contrib import admin

from courses.admin import ReadOnlyAdminMixin, TaughtCourseAdminMixin
from gradebook.models import GradeOverride, GradingScheme


@admin.register(GradingScheme)
class GradingSchemeAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    list_display = ("course", "quiz_weight", "participation_weight", "reading_weight", "late_penalty_percent")


class ReadOnlyAdmin(ReadOnlyAdminMixin, TaughtCourseAdminMixin, admin.ModelAdmin):
    """Overrides change through the gradebook page, which writes the audit trail; the admin only shows them."""


@admin.register(GradeOverride)
class GradeOverrideAdmin(ReadOnlyAdmin):
    list_display = ("course", "student", "item_key", "value", "set_by", "updated_at")
    list_filter = ("course",)
    search_fields = ("student__username", "student__last_name")

