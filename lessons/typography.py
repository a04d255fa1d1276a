"""French typographic conventions for the reading text.

The seeds were pasted from web pages with straight quotes and ordinary spaces
before high punctuation. French (and Québec) typography wants a non-breaking
space inside « » and before the colon, and a narrow one before ; ! ?, so that
the punctuation never starts a line on a phone.
"""

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

_SPACE_BEFORE_COLON = re.compile(r"[ \u00a0\u202f]+:")
_SPACE_BEFORE_HIGH_PUNCTUATION = re.compile(r"[ \u00a0\u202f]+([;!?])")
_OPENING_GUILLEMET = re.compile(r"«[ \u00a0\u202f]*")
_CLOSING_GUILLEMET = re.compile(r"[ \u00a0\u202f]*»")
_STRAIGHT_QUOTES = re.compile(r'"([^"\n]{1,200})"')
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def french_typography(text: str) -> str:
    text = _STRAIGHT_APOSTROPHE.sub("’", text)
    text = _STRAIGHT_QUOTES.sub(lambda m: f"«{m.group(1).strip()}»", text)
    text = _OPENING_GUILLEMET.sub("«" + NBSP, text)
    text = _CLOSING_GUILLEMET.sub(NBSP + "»", text)
    text = _SPACE_BEFORE_COLON.sub(NBSP + ":", text)
    text = _SPACE_BEFORE_HIGH_PUNCTUATION.sub(lambda m: NNBSP + m.group(1), text)
    return text
