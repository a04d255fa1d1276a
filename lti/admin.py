"""LTI in the admin, for site administrators: registrations, what launches created, the score outbox.

Private keys never show here: `lti_rotate_keys` makes and retires them.
"""

from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lti.models import LtiContext, LtiDeployment, LtiPlatform, LtiResourceLink, LtiScore, LtiToolKey, LtiUserLink


class DeploymentInline(admin.TabularInline):
    model = LtiDeployment
    extra = 1


@admin.register(LtiPlatform)
class LtiPlatformAdmin(admin.ModelAdmin):
    list_display = ["name", "issuer", "client_id", "course", "is_active"]
    list_filter = ["is_active", "course"]
    search_fields = ["name", "issuer", "client_id"]
    inlines = [DeploymentInline]
    exclude = ["created_by"]


@admin.register(LtiToolKey)
class LtiToolKeyAdmin(admin.ModelAdmin):
    list_display = ["kid", "is_active", "created_at", "retired_at"]
    fields = ["kid", "public_jwk", "is_active", "created_at", "retired_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(LtiUserLink)
class LtiUserLinkAdmin(ReadOnlyAdmin):
    list_display = ["user", "platform", "sub", "owns_account", "claimed_email", "created_at"]
    list_filter = ["owns_account", "platform"]
    search_fields = ["user__username", "sub", "claimed_email"]
    list_select_related = ["user", "platform"]


@admin.register(LtiContext)
class LtiContextAdmin(ReadOnlyAdmin):
    list_display = ["title", "context_id", "platform", "course", "roster_synced_at"]
    list_select_related = ["platform", "course"]


@admin.register(LtiResourceLink)
class LtiResourceLinkAdmin(ReadOnlyAdmin):
    list_display = ["title", "resource_link_id", "target", "lesson", "context"]
    list_select_related = ["lesson", "context"]


@admin.register(LtiScore)
class LtiScoreAdmin(ReadOnlyAdmin):
    list_display = ["user_link", "quiz", "manual_item", "context", "status", "tries", "next_try_at", "last_error", "sent_score", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["user_link", "quiz__lesson", "manual_item", "context"]
    actions = ["retry_now"]

    @admin.action(description=_("Send again now"))
    def retry_now(self, request, queryset):
        # Failed rows too (the administrator fixed the cause in the LMS), and sent ones the LMS lost.
        queryset.update(status=LtiScore.Status.PENDING, next_try_at=timezone.now(), tries=0)
        from coursesite.broker import task_publish_quietly
        from lti.tasks import send_due_scores

        task_publish_quietly(send_due_scores)  # a down broker leaves them to the 5-minute beat
