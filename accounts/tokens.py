"""The invitation link's token: a signature over (invitation id, its nonce), never stored anywhere."""

import secrets

from django.core import signing
from django.utils.crypto import constant_time_compare

INVITATION_SALT = "accounts.invitation"


def new_nonce() -> str:
    return secrets.token_urlsafe(24)


def invitation_token(*, invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=INVITATION_SALT, compress=True)


def read_invitation_token(token: str) -> tuple[int, str]:
    """(invitation id, nonce); raises signing.BadSignature for a forged or damaged token."""
    data = signing.loads(token, salt=INVITATION_SALT)
    try:
        return int(data["i"]), str(data["n"])
    except (KeyError, TypeError, ValueError) as exc:
        raise signing.BadSignature("malformed invitation token") from exc


def nonce_matches(invitation, nonce: str) -> bool:
    return constant_time_compare(invitation.nonce, nonce)
