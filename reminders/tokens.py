"""Signed tokens for links that work without logging in: one-click unsubscribe and the calendar feed."""

from django.core import signing

UNSUBSCRIBE_SALT = "reminders.unsubscribe"
CALENDAR_SALT = "reminders.calendar"


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """(user id, kind); raises signing.BadSignature for a forged or damaged token."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    return int(data["u"]), str(data["k"])


def calendar_token(*, user_id: int) -> str:
    return signing.dumps(user_id, salt=CALENDAR_SALT)


def read_calendar_token(token: str) -> int:
    return int(signing.loads(token, salt=CALENDAR_SALT))
