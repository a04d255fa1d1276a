from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from courses.admin import SuperuserOnlyAdminMixin
from reminders.models import EmailOptOut, Reminder


@admin.register(Reminder)
class ReminderAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "object_key", "window", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("user__username", "user__email", "object_key")
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["retry"]

    @admin.action(description=_("Send again (failed reminders go back to the outbox)"))
    def retry(self, request, queryset):
        queryset.filter(status=Reminder.Status.FAILED).update(status=Reminder.Status.PENDING, attempts=0, next_attempt_at=None)


@admin.register(EmailOptOut)
class EmailOptOutAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "kind", "created_at")
    list_filter = ("kind",)
