"""Reads about accounts: who has not activated, and where invitations stand."""

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.tokens import invitation_token


def never_activated_q(prefix: str = "") -> Q:
    """Accounts that never came in: no usable password and never logged in (by invitation, OIDC or LTI).

    An account with a password set by hand (the demo accounts, an admin's) counts as active even
    before its first login; an LTI or OIDC account becomes active with its first sign-in.
    """
    return Q(**{f"{prefix}password__startswith": "!", f"{prefix}last_login__isnull": True})


def account_is_activated(user) -> bool:
    return user.last_login is not None or user.has_usable_password()


def open_invitation_for(*, user_id: int, now=None) -> Invitation | None:
    now = now or timezone.now()
    return (
        Invitation.objects.filter(user_id=user_id, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at").first()
    )


def invitation_url(*, invitation: Invitation) -> str:
    return settings.SITE_URL + reverse("invitation_accept", kwargs={"token": invitation_token(invitation=invitation)})


def latest_invitations(*, user_ids) -> dict[int, Invitation]:
    """Each account's newest invitation (accepted, open, expired or replaced): one query."""
    latest: dict[int, Invitation] = {}
    for invitation in Invitation.objects.filter(user_id__in=list(user_ids)).order_by("user_id", "-created_at", "-pk"):
        latest.setdefault(invitation.user_id, invitation)
    return latest
