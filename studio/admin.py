from django.contrib import admin

from courses.admin import TaughtCourseAdminMixin
from studio.models import StudioAuditLog


@admin.register(StudioAuditLog)
class StudioAuditLogAdmin(TaughtCourseAdminMixin, admin.ModelAdmin):
    """Read-only: the trail is written by the studio's services."""

    list_display = ("created_at", "course", "actor", "action", "target")
    list_filter = ("action",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
