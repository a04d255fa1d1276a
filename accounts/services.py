"""Writes about accounts."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from accounts.models import Invitation, OidcIdentity, PasswordResetRequest
from accounts.selectors import account_is_activated, never_activated_q
from accounts.signals import invitations_created
from accounts.tokens import new_nonce, nonce_matches, read_invitation_token

PASSWORD_RESET_WINDOW = timedelta(hours=1)


@transaction.atomic
def password_reset_request_allow(*, email: str, ip_address: str, now=None) -> bool:
    """Record a reset request; True if its e-mail may go (under the hourly limits per address and per client).

    Refused requests are recorded too, so hammering one address keeps it limited. Rows older than
    the window are pruned here: the table only ever holds the last hour's requests.
    """
    now = now or timezone.now()
    since = now - PASSWORD_RESET_WINDOW
    email = email.strip().lower()
    PasswordResetRequest.objects.filter(created_at__lt=since).delete()
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    allowed = (
        recent.filter(email=email).count() < settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and recent.filter(ip_address=ip_address).count() < settings.PASSWORD_RESET_LIMIT_PER_IP
    )
    PasswordResetRequest.objects.create(email=email[:254], ip_address=ip_address[:45])
    return allowed


class InvitationError(Exception):
    """An invitation that cannot be used; `state` says why ("invalid", "expired", "used", "replaced")."""

    def __init__(self, state: str, invitation: Invitation | None = None):
        super().__init__(state)
        self.state, self.invitation = state, invitation


def _invitation_lifetime() -> timedelta:
    return timedelta(days=settings.INVITATION_EXPIRY_DAYS)


@transaction.atomic
def invitations_create(*, users, invited_by=None, course_title: str = "", landing_path: str = "/", now=None) -> list[Invitation]:
    """Invite these accounts to choose a password; an older open invitation of each is replaced.

    The e-mails go through the reminders outbox (its receiver of `invitations_created` writes one
    outbox row per invitation in this transaction), so a down broker delays them and never drops them.
    """
    users = list(users)
    if not users:
        return []
    now = now or timezone.now()
    Invitation.objects.filter(user__in=users, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    invitations = Invitation.objects.bulk_create([
        Invitation(
            user=user, invited_by=invited_by, course_title=course_title[:200], landing_path=landing_path[:300],
            nonce=new_nonce(), created_at=now, expires_at=now + _invitation_lifetime(),
        )
        for user in users
    ])
    invitations_created.send(sender=Invitation, invitations=invitations)
    return invitations


@transaction.atomic
def invitation_resend(*, user, invited_by=None, course_title: str | None = None, landing_path: str | None = None, now=None) -> Invitation | None:
    """A fresh invitation (new link, full lifetime) for an account that never activated; None for an active one.

    The course and landing page default to those of the account's last invitation.
    """
    if account_is_activated(user):
        return None
    last = Invitation.objects.filter(user=user).select_related("invited_by").order_by("-created_at", "-pk").first()
    return invitations_create(
        users=[user], invited_by=invited_by or (last.invited_by if last else None),
        course_title=course_title if course_title is not None else (last.course_title if last else ""),
        landing_path=landing_path or (last.landing_path if last else "/"), now=now,
    )[0]


@transaction.atomic
def invitations_resend_for_email(*, email: str, now=None) -> list[Invitation]:
    """The password-reset page for an address whose account never activated: a fresh invitation each."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(never_activated_q(), email__iexact=email.strip(), is_active=True)
    return [invitation for user in users if (invitation := invitation_resend(user=user, now=now)) is not None]


def invitation_from_token(*, token: str, now=None) -> Invitation:
    """The invitation a link stands for, if it can still be used; else InvitationError with the reason."""
    now = now or timezone.now()
    try:
        invitation_id, nonce = read_invitation_token(token)
    except signing.BadSignature:
        raise InvitationError("invalid") from None
    invitation = Invitation.objects.select_related("user", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or not nonce_matches(invitation, nonce):
        raise InvitationError("invalid")
    _raise_unless_open(invitation, now)
    return invitation


def _raise_unless_open(invitation: Invitation, now) -> None:
    if invitation.used_at is not None:
        raise InvitationError("used", invitation)
    if invitation.revoked_at is not None:
        raise InvitationError("replaced", invitation)
    if invitation.expires_at <= now:
        raise InvitationError("expired", invitation)


def invitation_mark_opened(*, invitation: Invitation, now=None) -> None:
    """The person followed the link (the people page shows "opened"); the first time only."""
    if invitation.opened_at is None:
        invitation.opened_at = now or timezone.now()
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(opened_at=invitation.opened_at)


@transaction.atomic
def invitation_accept(*, invitation: Invitation, password: str, first_name: str, last_name: str, now=None):
    """Set the password and name chosen on the invitation page; the link is used up. Returns the user.

    The row is locked and checked again, so two submissions of the same link set one password.
    """
    now = now or timezone.now()
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    _raise_unless_open(invitation, now)
    user = invitation.user
    user.set_password(password)
    user.first_name, user.last_name = first_name[:150], last_name[:150]
    user.save(update_fields=["password", "first_name", "last_name"])
    invitation.used_at = now
    invitation.opened_at = invitation.opened_at or now
    invitation.save(update_fields=["used_at", "opened_at"])
    return user


class OidcRefused(Exception):
    """A school identity that opens no account here; `reason` picks the refusal page's text."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _allowed_domain(email: str) -> bool:
    domain = email.rpartition("@")[2].strip().lower()
    return bool(domain) and domain in {d.strip().lower() for d in settings.OIDC_ALLOWED_DOMAINS if d.strip()}


@transaction.atomic
def oidc_identity_sign_in(*, issuer: str, sub: str, claims: dict, now=None):
    """The account a verified school identity opens; raises OidcRefused and creates nothing otherwise.

    An identity already linked opens its account. A first sign-in is linked to an account the site
    invited, found by the provider's e-mail, and only if the provider says that e-mail is verified
    and its domain is one the administrator lists (OIDC_ALLOWED_DOMAINS). The account's open
    invitation links stop working: the school sign-in is now its way in.
    """
    now = now or timezone.now()
    if not sub:
        raise OidcRefused("mismatch")
    identity = OidcIdentity.objects.select_related("user").filter(issuer=issuer, sub=sub).first()
    if identity is not None:
        if not identity.user.is_active:
            raise OidcRefused("inactive")
        return identity.user
    email = str(claims.get("email") or "").strip()
    if not email or claims.get("email_verified") is not True:
        raise OidcRefused("unverified")
    if not _allowed_domain(email):
        raise OidcRefused("domain")
    from django.contrib.auth import get_user_model

    invited = Invitation.objects.filter(user=OuterRef("pk"))
    users = list(get_user_model().objects.select_for_update().filter(Exists(invited), email__iexact=email, is_active=True)[:2])
    if len(users) != 1:
        raise OidcRefused("no_account")
    user = users[0]
    if OidcIdentity.objects.filter(issuer=issuer, user=user).exists():
        raise OidcRefused("linked")  # already linked to another subject of this provider
    OidcIdentity.objects.create(user=user, issuer=issuer, sub=sub, email=email[:254])
    Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(revoked_at=now)
    return user
