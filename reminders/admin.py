from django.contrib import admin
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from courses.admin import SuperuserOnlyAdminMixin, courses_taught_by
from reminders.models import EmailOptOut, Reminder


class OutboxForSuperusersMixin(SuperuserOnlyAdminMixin):
    """The e-mail outbox spans every course (a person's reminders of several courses go in one e-mail): it is
    the site administrators'. An instructor who opens it is told so, and where their course's e-mails are
    shown (the studio's « Ce qui partira »), instead of a 403 that says they are not teaching staff."""

    def _refused(self, request):
        courses = list(courses_taught_by(request.user).order_by("title"))
        return TemplateResponse(request, "reminders/admin_outbox_refused.html", {"courses": courses}, status=403)

    def changelist_view(self, request, extra_context=None):
        if not request.user.is_superuser:
            return self._refused(request)
        return super().changelist_view(request, extra_context)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if not request.user.is_superuser:
            return self._refused(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser:
            return self._refused(request)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        if not request.user.is_superuser:
            return self._refused(request)
        return super().history_view(request, object_id, extra_context)


@admin.register(Reminder)
class ReminderAdmin(OutboxForSuperusersMixin, admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "object_key", "window", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("user__username", "user__email", "object_key")
    readonly_fields = [f.name for f in Reminder._meta.fields]
    actions = ["retry"]

    @admin.action(description=_("Send again (failed reminders go back to the outbox)"))
    def retry(self, request, queryset):
        queryset.filter(status=Reminder.Status.FAILED).update(status=Reminder.Status.PENDING, attempts=0, next_attempt_at=None)


@admin.register(EmailOptOut)
class EmailOptOutAdmin(OutboxForSuperusersMixin, admin.ModelAdmin):
    list_display = ("user", "kind", "created_at")
    list_filter = ("kind",)
