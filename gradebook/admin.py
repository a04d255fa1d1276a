from django.contrib import admin

from courses.admin import TaughtCourseAdminMixin
from gradebook.models import GradeOverride, GradingScheme


@admin.register(GradingScheme)
class GradingSchemeAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    list_display = ("course", "quiz_weight", "participation_weight", "reading_weight", "late_penalty_percent")


class ReadOnlyAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    """Overrides change through the gradebook page, which writes the audit trail; the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GradeOverride)
class GradeOverrideAdmin(ReadOnlyAdmin):
    list_display = ("course", "student", "item_key", "value", "set_by", "updated_at")
    list_filter = ("course",)
    search_fields = ("student__username", "student__last_name")

