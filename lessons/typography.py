"""French typographic conventions for the reading text.

The seeds were pasted from web pages with straight quotes and ordinary spaces
before high punctuation. French (and Québec) typography wants a non-breaking
space inside « » and before the colon, and a narrow one before ; ! ?, so that
the punctuation never starts a line on a phone.
"""

import re

NBSP = "\u00a0"
NNBSP = "\u202f"

# Linear on any text: a run of spaces is tried once, from its first character. Without the
# look-behind, a run of n spaces not followed by the punctuation was scanned again from each of its
# n positions (n² steps: 30,000 spaces cost seconds per page view); the possessive "++" / "*+" never
# gives spaces back, so a failed run is not retried shorter either.
_SPACES = "[ \u00a0\u202f]"
_SPACE_BEFORE_COLON = re.compile(rf"(?<!{_SPACES}){_SPACES}++:")
_SPACE_BEFORE_HIGH_PUNCTUATION = re.compile(rf"(?<!{_SPACES}){_SPACES}++([;!?])")
_OPENING_GUILLEMET = re.compile(rf"«{_SPACES}*+")
_CLOSING_GUILLEMET = re.compile(rf"(?<!{_SPACES}){_SPACES}*+»")
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


# A tag of sanitised HTML: attribute values are double-quoted, so a ">" can only sit inside quotes.
# Linear even on text that is not sanitised HTML: a "<" outside quotes ends a tag that never closed,
# so a text of 20,000 "<" is not scanned to its end from each of them (0.8 s); possessive, because the
# two alternatives never match the same character and giving back never helps.
_TAG = re.compile(r'(<(?:[^<>"]++|"[^"]*+")*+>)')
_VERBATIM = {"code", "pre", "kbd", "samp"}


def french_typography_html(html: str) -> str:
    """French typography on the text nodes of sanitised HTML: tags, attributes and code stay as they are.

    Applying it before sanitising turned the quotes around attribute values into « »; so the HTML is
    sanitised first, then only what a reader sees between the tags is retouched.
    """
    parts = _TAG.split(html)
    verbatim = 0
    for index, part in enumerate(parts):
        if index % 2:  # a tag
            words = part.strip("</>").split(None, 1)  # "< >" has no name at all
            name = words[0].lower() if words else ""
            if name in _VERBATIM:
                verbatim += -1 if part.startswith("</") else 1
                verbatim = max(verbatim, 0)
        elif part and not verbatim:
            parts[index] = french_typography(part)
    return "".join(parts)
