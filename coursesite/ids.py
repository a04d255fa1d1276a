"""Ids typed by someone else: in a URL, a query string or a form.

The `int` path converter accepts any run of digits, and a query or form value is
any text. A database primary key is a positive 64-bit integer: anything else
names no object, so it is answered like an unknown id (404, or a form error),
never by the database raising (SQLite overflows past 2**63, PostgreSQL refuses
text). Every permission-checked fetch passes its id through here.
"""

from django.http import Http404

MAX_ID = 2**63 - 1


def id_or_none(value) -> int | None:
    """The id as an int if `value` can be one (ASCII digits, 1 ≤ id < 2**63); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "")
        # isdigit() also accepts other scripts' digits and superscripts; an id is plain ASCII.
        if not (text.isascii() and text.isdigit()) or len(text) > 19:
            return None
        number = int(text)
    return number if 0 < number <= MAX_ID else None


def id_or_404(value) -> int:
    number = id_or_none(value)
    if number is None:
        raise Http404
    return number
