"""Markdown source that Python-Markdown renders in linear time, whatever a person typed.

Python-Markdown looks ahead from every "[" for its "]", from every "](" for the ")" and from every
"<" for the ">" of an HTML tag, to the end of the text when there is none: 10,000 "[" in a post cost
seconds, growing with the square of their number (issue 20). Here a "[", "](" or "<" whose closing
character does not come before the next opening one is written escaped ("\\[", "\\(", "&lt;"): a
reader sees the same text, a real link or tag is untouched, and the spans the renderer scans no
longer overlap, so its work is linear. One pass from the end finds where each closing comes.

Each level of a quotation (">") parses its text again: a line starting with 250 ">" cost the square
of its length. Past five levels, further ">" are written escaped.
"""

import re

MAX_QUOTE_DEPTH = 5
_DEEP_QUOTE = re.compile(rf"^((?:[ \t]*+>){{{MAX_QUOTE_DEPTH}}})([ \t>]++)", re.MULTILINE)

_OPENING = {"[": "]", "(": ")", "<": ">"}
_ESCAPED = {"[": "\\[", "(": "\\(", "<": "&lt;"}


def markdown_source_bounded(text: str) -> str:
    if ">" in text:
        text = _DEEP_QUOTE.sub(lambda match: match.group(1) + match.group(2).replace(">", "\\>"), text)
    if not any(char in text for char in _OPENING):
        return text
    # next_close[char] / next_open[char]: nearest position at or after i, filled from the end.
    n = len(text)
    chars = list(text)
    next_close = {opening: n for opening in _OPENING}
    next_open = {opening: n for opening in _OPENING}
    for i in range(n - 1, -1, -1):
        char = chars[i]
        escaped = i > 0 and chars[i - 1] == "\\" and not (i > 1 and chars[i - 2] == "\\")
        for opening, closing in _OPENING.items():
            if char == closing:
                next_close[opening] = i
        if char in _OPENING and not escaped:
            # A link's address may hold parentheses, (a(b)), so it ends at a ")" before the next link.
            closes_first = next_close[char] < (next_open["["] if char == "(" else next_open[char])
            # A "(" only matters to Markdown straight after "]" (a link's address).
            if not closes_first and (char != "(" or (i > 0 and chars[i - 1] == "]")):
                chars[i] = _ESCAPED[char]
            next_open[char] = i
    return "".join(chars)
