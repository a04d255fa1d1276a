"""The GIFT parser's messages in the reader's language.

The parser (`quizzes/gift/`) is pure Python and writes its messages in English: they are part of the
`import_gift --json` contract, which scripts read, and stay as they are. The pages translate them here:
each English message is matched by a pattern, and its French (or other) wording takes the same values.
A message no pattern knows is shown as the parser wrote it (`tests/quizzes/test_gift_messages.py`
checks that every message the parser can write has a pattern).
"""

import re

from django.utils.translation import gettext
from django.utils.translation import gettext_noop

from quizzes.gift import GiftError

# (pattern of the English message, its translatable wording with the pattern's groups as %(name)s)
MESSAGES = [
    (r"contains a NUL character \(byte 0\): this is not a text file",
     gettext_noop("contains a NUL character (byte 0): this is not a text file")),
    (r"uses every private-use character .*: this is not a quiz file",
     gettext_noop("uses every private-use character (U+E000–U+F8FF and planes 15–16): this is not a quiz file")),
    (r"more than (?P<count>\d+) questions in one file: .*",
     gettext_noop("more than %(count)s questions in one file: split it and import the parts one after the other")),
    (r"this question is longer than (?P<count>[\d,]+) characters",
     gettext_noop("this question is longer than %(count)s characters")),
    (r"'\{' is never closed by '\}': a blank line cuts the question before the '\}' on line (?P<line>\d+) .*",
     gettext_noop("“{” is never closed by “}”: a blank line cuts the question before the “}” on line %(line)s (questions cannot contain blank lines)")),
    (r"answer weight (?P<weight>.+) has no closing '%'",
     gettext_noop("the answer weight %(weight)s has no closing “%%”")),
    (r"invalid answer weight '(?P<weight>.*)': expected a percentage such as %50% or %-100%",
     gettext_noop("invalid answer weight “%(weight)s”: write a percentage such as %%50%% or %%-100%%")),
    (r"answer weight '(?P<weight>.*)' is outside -100\.\.100",
     gettext_noop("the answer weight “%(weight)s” is outside −100 to 100")),
    (r"answer weight '(?P<weight>.*)' is not one of Moodle's grades .*",
     gettext_noop("the answer weight “%(weight)s” is not one of Moodle’s grades (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 or the same negative)")),
    (r"question title starting with '::' is not closed by '::'",
     gettext_noop("the question title starting with “::” is not closed by “::”")),
    (r"question has no text", gettext_noop("the question has no text")),
    (r"'\}' without a matching '\{' .*", gettext_noop("“}” without a matching “{” (write \\} for a literal brace)")),
    (r"'\{' is never closed by '\}' \(note that a blank line ends a question\)",
     gettext_noop("“{” is never closed by “}” (a blank line ends a question)")),
    (r"'\{' inside an answer block \(the block opened on line (?P<line>\d+) .*",
     gettext_noop("“{” inside an answer block (the block opened on line %(line)s is not closed first; write \\{ for a literal brace)")),
    (r"unexpected '(?P<char>.)' after the answer block: .*",
     gettext_noop("unexpected “%(char)s” after the answer block: a question has only one {…} block (write literal braces as \\{ and \\})")),
    (r"question has no text before its answer block", gettext_noop("the question has no text before its answer block")),
    (r"(?P<count>\d+) answers: a question has at most (?P<max>\d+)",
     gettext_noop("%(count)s answers: a question has at most %(max)s")),
    (r"unexpected text (?P<text>.+) before the first answer \(answers start with (?P<markers>.+)\)",
     gettext_noop("unexpected text %(text)s before the first answer (answers start with %(markers)s)")),
    (r"empty answer after '(?P<marker>.+)'", gettext_noop("empty answer after “%(marker)s”")),
    (r"multiple-choice question needs at least two answers", gettext_noop("a multiple-choice question needs at least two answers")),
    (r"multiple-choice question has no correct answer: .*",
     gettext_noop("the multiple-choice question has no correct answer: mark one with “=” or give positive weights such as ~%%50%%")),
    (r"true/false answer must be one of T, TRUE, F, FALSE, not (?P<text>.+)",
     gettext_noop("a true/false answer is one of T, TRUE, F, FALSE, not %(text)s")),
    (r"true/false answer has more than two feedbacks .*",
     gettext_noop("the true/false answer has more than two feedbacks (expected {T#feedback if wrong#feedback if right})")),
    (r"short-answer question has no answer with a positive weight",
     gettext_noop("the short-answer question has no answer with a positive weight")),
    (r"matching questions do not support answer feedback \('#'\)",
     gettext_noop("matching questions have no answer feedback (“#”)")),
    (r"matching pair (?P<text>.+) has no answer after '->'", gettext_noop("the matching pair %(text)s has no answer after “->”")),
    (r"matching pair (?P<text>.+) has no '->'", gettext_noop("the matching pair %(text)s has no “->”")),
    (r"matching question needs at least 3 pairs, .*found (?P<pairs>\d+) pairs with (?P<stems>\d+) sub-questions .*",
     gettext_noop("a matching question needs at least 3 pairs, at least 2 of them with a sub-question; found %(pairs)s pairs with %(stems)s sub-questions (a spare answer is written “= -> answer”)")),
    (r"numerical question has no answers", gettext_noop("the numerical question has no answers")),
    (r"numerical question has no answer with a positive weight",
     gettext_noop("the numerical question has no answer with a positive weight")),
    (r"numerical answer is empty", gettext_noop("the numerical answer is empty")),
    (r"numerical range (?P<text>.+) has its minimum above its maximum",
     gettext_noop("the numerical range %(text)s has its minimum above its maximum")),
    (r"numerical tolerance in (?P<text>.+) must not be negative",
     gettext_noop("the numerical tolerance in %(text)s must not be negative")),
    (r"numerical (?P<what>answer|tolerance|range minimum|range maximum|\w+) (?P<text>.+) is too large",
     gettext_noop("the number %(text)s is too large")),
    (r"numerical (?P<what>\w+(?: \w+)?) (?P<text>.+) is not a number \(use '\.' as the decimal point\)",
     gettext_noop("%(text)s is not a number (write the decimal point as “.”)")),
    (r"numerical (?P<what>\w+(?: \w+)?) (?P<text>.+) is not a number", gettext_noop("%(text)s is not a number")),
    (r"two questions share the title “(?P<title>.*)”", gettext_noop("two questions share the title « %(title)s »")),
    (r"the file has no question: .*",
     gettext_noop("the file has no question: importing it would leave the quiz without any (to empty the quiz on purpose, import with --allow-empty)")),
]
_COMPILED = [(re.compile(pattern, re.DOTALL), wording) for pattern, wording in MESSAGES]


def gift_message(message: str) -> str:
    """One parser message in the active language (as written when no pattern knows it)."""
    for pattern, wording in _COMPILED:
        match = pattern.fullmatch(message)
        if match:
            return gettext(wording) % match.groupdict()
    return message


def gift_error_message(error: GiftError, *, with_line: bool = True) -> str:
    """« Ligne 10 : … » in French, "Line 10: …" in English."""
    message = gift_message(error.message)
    if not with_line:
        return message[:1].upper() + message[1:]
    return gettext("Line %(line)d: %(message)s") % {"line": error.line, "message": message}
