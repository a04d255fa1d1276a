from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import User


class SuperuserOnlyAdminMixin:
    """For site-wide records that belong to no single course (people, the e-mail outbox): superusers only.

    Even a staff member holding the model permissions is refused, so no instructor
    reads or edits the accounts (or reminders) of another course's students.
    """

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request, *args):
        return request.user.is_superuser and super().has_add_permission(request, *args)

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser and super().has_delete_permission(request, obj)


@admin.register(User)
class UserAdmin(SuperuserOnlyAdminMixin, DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Preferences"), {"fields": ("preferred_language",)}),)
    list_display = ("username", "email", "first_name", "last_name", "is_staff")
