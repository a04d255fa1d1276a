"""Signed tokens for links that work without logging in: one-click unsubscribe and the calendar feed."""

from django.core import signing

UNSUBSCRIBE_SALT = "reminders.unsubscribe"
CALENDAR_SALT = "reminders.calendar"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    """The same token every time for a person and kind (no timestamp): a resent e-mail is the same e-mail."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"u": user_id, "k": kind}, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind); raises signing.BadSignature for a forged or damaged token.

    Links e-mailed before tokens were stable carry a timestamp; they keep working.
    """
    if token.count(":") >= 2:  # payload:timestamp:signature, the old form
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    else:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    return int(data["u"]), str(data["k"])


def calendar_token(*, user_id: int) -> str:
    return signing.dumps(user_id, salt=CALENDAR_SALT)


def read_calendar_token(token: str) -> int:
    return int(signing.loads(token, salt=CALENDAR_SALT))
