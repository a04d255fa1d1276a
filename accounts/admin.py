from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Invitation, OidcIdentity, User


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


def reserve_unscoped_admins_to_superusers(site=admin.site) -> None:
    """Fail closed: an admin that is not scoped to courses (groups, beat schedules, login lockouts…) is for superusers.

    Run once every admin is registered (AccountsConfig.ready). Course-scoped
    admins are recognised by their `course_lookup` (courses.admin.TaughtCourseAdminMixin).
    """
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, SuperuserOnlyAdminMixin) or hasattr(model_admin, "course_lookup"):
            continue
        admin_class = type(model_admin)
        site.unregister(model)
        site.register(model, type(f"SuperuserOnly{admin_class.__name__}", (SuperuserOnlyAdminMixin, admin_class), {}))


@admin.register(Invitation)
class InvitationAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "course_title", "invited_by", "created_at", "opened_at", "used_at", "revoked_at", "expires_at")
    search_fields = ("user__email", "user__username")
    readonly_fields = ("created_at", "opened_at", "used_at", "revoked_at")
    exclude = ("nonce",)


@admin.register(OidcIdentity)
class OidcIdentityAdmin(SuperuserOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "issuer", "sub", "email", "created_at")
    search_fields = ("user__email", "user__username", "sub")
    readonly_fields = ("created_at",)
