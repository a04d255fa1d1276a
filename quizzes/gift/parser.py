"""Parser for Moodle's GIFT quiz-question format.

``parse_gift`` never raises on bad input: every problem becomes a
``GiftError`` with a 1-based line number and the offending question is left
out of the result, so an importer can report all problems of a file at once.

Behaviour follows Moodle's GIFT documentation and importer, with these
deliberate choices:

* True/false feedback: in ``{T#first#second}`` the first feedback is shown
  when the student answers wrongly and the second when they answer rightly
  (Moodle docs: "The first is shown if the student gives the wrong answer.
  The second if the student gives the right answer."). For ``{TRUE#a#b}``
  choosing "false" shows ``a`` and choosing "true" shows ``b``; for
  ``{FALSE#a#b}`` choosing "true" shows ``a`` and "false" shows ``b``.
* Matching: the docs say "There must be at least three matching pairs" and
  Moodle's matching question type needs at least two sub-questions and three
  answers, so we require three pairs of which at least two have a
  sub-question; a spare answer (``= -> distractor``) counts as a pair.
* ``{#six}`` is an error, not an "any answer" catch-all: only ``*`` (or a
  ``~`` answer with nothing before its feedback) stands for any answer.
* Numerical answers introduced by ``~`` default to 0%; ``~#feedback`` on its
  own is Moodle's catch-all "any other answer" feedback and becomes a ``*``
  answer.
* Multiple choice without any ``=`` answer is ``multichoice_multi``, even
  when a single ``~`` answer carries 100% (Moodle's rule).
* A weight must be one of Moodle's grade fractions (100, 90, 83.33333, 80,
  75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
  12.5, 11.11111, 10, 5, 0, or their negatives), as Moodle's importer
  requires; any other weight is an error on its line.
* A ``[html]``, ``[plain]``, ``[markdown]`` or ``[moodle]`` marker at the
  start of an answer, a matching sub-question or a feedback is stripped and
  sets that text's format (``format``, ``feedback_format``,
  ``subquestion_formats``, ``general_feedback_format``), as Moodle does.
* ``T``/``TRUE``/``F``/``FALSE`` are accepted in any letter case.
* Texts are stripped of surrounding whitespace; line breaks inside a
  question, and ``\\n`` escapes, are kept as newlines.
"""

from __future__ import annotations

import itertools
import math
import re

from .model import CATCH_ALL, GAP, GiftAnswer, GiftError, GiftParseResult, GiftQuestion

# Characters that have a structural meaning and can be escaped with "\".
ESCAPABLE = "~=#{}:"

_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_FORMAT_RE = re.compile(r"\[(moodle|html|plain|markdown)\]", re.IGNORECASE)
_TRUE_TOKENS = {"T", "TRUE"}
_FALSE_TOKENS = {"F", "FALSE"}
_CATEGORY_PREFIX = "$CATEGORY:"
# Moodle's question_bank::fraction_options_full(), as percentages; a weight must match one
# of them (or its negative) within Moodle's tolerance of 0.00001 on the fraction.
MOODLE_GRADES = (
    100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571, 12.5,
    11.11111, 10, 5, 0,
)
_GRADE_TOLERANCE = 0.00001
# Bounds on what one file may ask of a request (preview, import, every page that shows the quiz):
# Moodle quizzes have a handful of answers per question and tens of questions per file. One question
# with 160,000 answers took 17 s to preview.
MAX_ANSWERS = 100
MAX_QUESTIONS = 500
MAX_QUESTION_LENGTH = 20_000
# Where escaped characters are parked while parsing: the private-use planes, then the surrogates, which
# no decoded UTF-8 text contains. A text using all of them is refused (see _Parser.parse).
_PLACEHOLDER_CANDIDATES = (range(0xE000, 0xF900), range(0xF0000, 0xFFFFE), range(0x100000, 0x10FFFE), range(0xD800, 0xE000))


def moodle_fraction(weight: float) -> float | None:
    """The allowed fraction a percentage weight stands for, or None if Moodle refuses it."""
    for grade in MOODLE_GRADES:
        for signed in (grade, -grade):
            if abs(weight / 100 - signed / 100) < _GRADE_TOLERANCE:
                return round(signed / 100, 7) + 0.0
    return None


def parse_gift(text: str) -> GiftParseResult:
    """Parse GIFT source into questions and errors; never raises on bad input."""
    return _Parser(text).parse()


class _Block:
    """One question's source with escapes decoded and per-character line numbers.

    Escaped structural characters become private-use placeholders, so that
    plain ``str.find`` only ever sees unescaped (structural) characters.
    """

    def __init__(self, lines: list[tuple[int, str]], placeholders: dict[str, str]):
        chars: list[str] = []
        line_of: list[int] = []
        for index, (lineno, raw) in enumerate(lines):
            if index:
                chars.append("\n")
                line_of.append(lines[index - 1][0])
            i = 0
            while i < len(raw):
                char = raw[i]
                if char == "\\" and i + 1 < len(raw):
                    following = raw[i + 1]
                    if following in ESCAPABLE:
                        char = placeholders[following]
                        i += 1
                    elif following == "n":
                        char = placeholders["\n"]
                        i += 1
                    elif following == "\\":
                        i += 1
                    # Any other backslash is literal (LaTeX such as \frac).
                chars.append(char)
                line_of.append(lineno)
                i += 1
        self.text = "".join(chars)
        self.line_of = line_of
        self.first_line = lines[0][0]

    def line(self, pos: int) -> int:
        if not self.line_of:
            return self.first_line
        return self.line_of[max(0, min(pos, len(self.line_of) - 1))]


class _Parser:
    def __init__(self, text: str):
        self.source = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
        used = set(self.source)
        # Placeholders must not occur in the input, or they would be mistaken
        # for escaped characters; the private-use area has room to spare
        # unless a file uses all of it on purpose.
        candidates = itertools.chain(*_PLACEHOLDER_CANDIDATES)
        free = (chr(code) for code in candidates if chr(code) not in used)
        self.placeholders = dict(zip(ESCAPABLE + "\n", free))
        self.out_of_placeholders = len(self.placeholders) < len(ESCAPABLE) + 1
        self.unescape_table = str.maketrans({ph: real for real, ph in self.placeholders.items()})
        self.errors: list[GiftError] = []
        self._unclosed_at: int | None = None

    # -- driver -----------------------------------------------------------------

    def parse(self) -> GiftParseResult:
        questions: list[GiftQuestion] = []
        category: str | None = None
        # No text file holds a NUL, and databases refuse it in text (PostgreSQL fails outright): name its line.
        for lineno, line in enumerate(self.source.split("\n"), start=1):
            if "\x00" in line:
                self.errors.append(GiftError(lineno, "contains a NUL character (byte 0): this is not a text file"))
        if self.out_of_placeholders:
            line = next(number for number, text in enumerate(self.source.split("\n"), start=1) if any(0xE000 <= ord(c) < 0xF900 or ord(c) >= 0xF0000 for c in text))
            self.errors.append(GiftError(line, "uses every private-use character (U+E000-U+F8FF and planes 15-16): "
                                               "this is not a quiz file"))
            return GiftParseResult(questions=[], errors=self.errors)
        blocks = list(self._blocks())
        index = 0
        while index < len(blocks):
            lines = blocks[index]
            index += 1
            if len(questions) >= MAX_QUESTIONS:
                self._error(lines[0][0], f"more than {MAX_QUESTIONS} questions in one file: split it and import the parts one after the other")
                break
            if sum(len(text) for _number, text in lines) > MAX_QUESTION_LENGTH:
                self._error(lines[0][0], f"this question is longer than {MAX_QUESTION_LENGTH:,} characters")
                continue
            first = lines[0][1].strip()
            if first.startswith(_CATEGORY_PREFIX):
                category = first[len(_CATEGORY_PREFIX):].strip() or None
                # Be forgiving about a question written right under the
                # category line (Moodle would swallow it into the path).
                lines = lines[1:]
                if not lines:
                    continue
            self._unclosed_at = None
            question = self._parse_question(_Block(lines, self.placeholders))
            if self._unclosed_at is not None and index < len(blocks):
                index += self._absorb_cut_block(blocks[index])
            if question is not None:
                question.category = category
                questions.append(question)
        return GiftParseResult(questions=questions, errors=self.errors)

    def _absorb_cut_block(self, lines: list[tuple[int, str]]) -> int:
        """Treat a block starting with '}' as the rest of an unclosed question.

        A blank line inside an answer block splits it in two; reporting the
        cut once is clearer than also flagging the orphaned '}'. Returns how
        many blocks were consumed.
        """
        block = _Block(lines, self.placeholders)
        close_pos = block.text.find("}")
        open_pos = block.text.find("{")
        if close_pos == -1 or (open_pos != -1 and open_pos < close_pos):
            return 0
        self.errors[-1] = GiftError(
            line=self._unclosed_at,
            message=(
                "'{' is never closed by '}': a blank line cuts the question before the '}' "
                f"on line {block.line(close_pos)} (questions cannot contain blank lines)"
            ),
        )
        return 1

    def _blocks(self):
        """Yield the non-comment lines of each blank-line separated block."""
        current: list[tuple[int, str]] = []
        for lineno, line in enumerate(self.source.split("\n"), start=1):
            stripped = line.strip()
            if not stripped:
                if current:
                    yield current
                    current = []
            elif stripped.startswith("//"):
                continue
            else:
                current.append((lineno, line))
        if current:
            yield current

    # -- helpers ------------------------------------------------------------------

    def _error(self, line: int, message: str) -> None:
        self.errors.append(GiftError(line=line, message=message))

    def _clean(self, raw: str) -> str:
        return raw.strip().translate(self.unescape_table)

    def _show(self, raw: str) -> str:
        """Quote source text for an error message, shortened if long."""
        text = " ".join(self._clean(raw).split())
        if len(text) > 40:
            text = text[:37] + "..."
        return repr(text)

    @staticmethod
    def _skip_ws(s: str, pos: int, end: int | None = None) -> int:
        end = len(s) if end is None else end
        while pos < end and s[pos].isspace():
            pos += 1
        return pos

    @staticmethod
    def _chunks(s: str, start: int, end: int, markers: str):
        """Split s[start:end] at marker characters.

        Returns the text before the first marker as ``(start, stop)`` and a
        list of ``(marker, marker_pos, start, stop)`` for each answer.
        """
        positions = [i for i in range(start, end) if s[i] in markers]
        lead = (start, positions[0] if positions else end)
        chunks = []
        for index, pos in enumerate(positions):
            stop = positions[index + 1] if index + 1 < len(positions) else end
            chunks.append((s[pos], pos, pos + 1, stop))
        return lead, chunks

    def _weight(self, block: _Block, start: int, end: int, default: float):
        """Parse an optional ``%weight%`` at the start of an answer.

        Returns ``(fraction, position after the weight)``, or ``(None, start)``
        after recording an error.
        """
        s = block.text
        pos = self._skip_ws(s, start, end)
        if pos >= end or s[pos] != "%":
            return default, start
        close = s.find("%", pos + 1, end)
        if close == -1:
            self._error(block.line(pos), f"answer weight {self._show(s[pos:end])} has no closing '%'")
            return None, start
        raw = s[pos + 1 : close].strip()
        if not _NUMBER_RE.fullmatch(raw):
            self._error(
                block.line(pos),
                f"invalid answer weight '%{self._clean(raw)}%': expected a percentage such as %50% or %-100%",
            )
            return None, start
        weight = float(raw)
        if not -100 <= weight <= 100:
            self._error(block.line(pos), f"answer weight '%{raw}%' is outside -100..100")
            return None, start
        fraction = moodle_fraction(weight)
        if fraction is None:
            self._error(
                block.line(pos),
                f"answer weight '%{raw}%' is not one of Moodle's grades "
                "(100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, "
                "16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0 or the same negative)",
            )
            return None, start
        return fraction, close + 1

    def _formatted(self, raw: str) -> tuple[str, str | None]:
        """Clean text and the format its leading ``[format]`` marker sets (None without one)."""
        text = self._clean(raw)
        match = _FORMAT_RE.match(text)
        if match:
            return text[match.end():].strip(), match.group(1).lower()
        return text, None

    def _split_feedback(self, s: str, start: int, end: int) -> tuple[str, str]:
        hash_pos = s.find("#", start, end)
        if hash_pos == -1:
            return s[start:end], ""
        return s[start:hash_pos], s[hash_pos + 1 : end]

    # -- questions ------------------------------------------------------------------

    def _parse_question(self, block: _Block) -> GiftQuestion | None:
        s = block.text
        start_line = block.first_line
        errors_before = len(self.errors)

        pos = self._skip_ws(s, 0)
        title = ""
        if s.startswith("::", pos):
            end = s.find("::", pos + 2)
            if end == -1:
                self._error(block.line(pos), "question title starting with '::' is not closed by '::'")
                return None
            title = self._clean(s[pos + 2 : end])
            pos = self._skip_ws(s, end + 2)

        text_format = "moodle"
        match = _FORMAT_RE.match(s, pos)
        if match:
            text_format = match.group(1).lower()
            pos = match.end()

        open_pos = s.find("{", pos)
        close_pos = s.find("}", pos)
        question = GiftQuestion(
            type="description", text="", title=title, format=text_format, line=start_line
        )

        if open_pos == -1 and close_pos == -1:
            question.text = self._clean(s[pos:])
            if not question.text:
                self._error(start_line, "question has no text")
                return None
            return question
        if close_pos != -1 and (open_pos == -1 or close_pos < open_pos):
            self._error(block.line(close_pos), "'}' without a matching '{' (write \\} for a literal brace)")
            return None
        if close_pos == -1:
            self._unclosed_at = block.line(open_pos)
            self._error(
                block.line(open_pos),
                "'{' is never closed by '}' (note that a blank line ends a question)",
            )
            return None
        nested = s.find("{", open_pos + 1, close_pos)
        if nested != -1:
            self._error(
                block.line(nested),
                "'{' inside an answer block (the block opened on line "
                f"{block.line(open_pos)} is not closed first; write \\{{ for a literal brace)",
            )
            return None
        for extra in (s.find("{", close_pos + 1), s.find("}", close_pos + 1)):
            if extra != -1:
                self._error(
                    block.line(extra),
                    f"unexpected '{s[extra]}' after the answer block: a question has only one "
                    "{...} block (escape literal braces as \\{ and \\})",
                )
                return None

        before = s[pos:open_pos]
        after = s[close_pos + 1 :]
        # Text after the block (even just a full stop) makes it a missing-word
        # question, exactly as Moodle decides it.
        question.text = self._clean(before + GAP + after if after.strip() else before)
        if not question.text:
            self._error(start_line, "question has no text before its answer block")
            return None

        body_start, body_end = open_pos + 1, close_pos
        gf_pos = s.rfind("####", body_start, body_end)
        if gf_pos != -1:
            question.general_feedback, question.general_feedback_format = self._formatted(s[gf_pos + 4 : body_end])
            body_end = gf_pos

        body = s[body_start:body_end]
        first = self._skip_ws(s, body_start, body_end)
        if first == body_end:
            question.type = "essay"
        elif s[first] == "#":
            self._parse_numerical(block, question, first + 1, body_end)
        elif "~" in body:
            self._parse_multichoice(block, question, body_start, body_end)
        elif "=" in body and self._looks_like_matching(s, body_start, body_end):
            self._parse_matching(block, question, body_start, body_end)
        else:
            self._parse_truefalse_or_short(block, question, body_start, body_end)

        if len(self.errors) > errors_before:
            return None
        return question

    def _looks_like_matching(self, s: str, start: int, end: int) -> bool:
        # Only look left of any '#', so a short answer whose feedback says
        # "a -> b" is not mistaken for a matching question.
        _lead, chunks = self._chunks(s, start, end, "=")
        return any("->" in self._split_feedback(s, a, b)[0] for _m, _p, a, b in chunks)

    def _too_many_answers(self, question: GiftQuestion, chunks) -> bool:
        if len(chunks) > MAX_ANSWERS:
            self._error(question.line, f"{len(chunks)} answers: a question has at most {MAX_ANSWERS}")
            return True
        return False

    def _reject_lead(self, block: _Block, lead: tuple[int, int], markers: str) -> bool:
        raw = block.text[lead[0] : lead[1]]
        if raw.strip():
            pos = self._skip_ws(block.text, lead[0], lead[1])
            self._error(
                block.line(pos),
                f"unexpected text {self._show(raw)} before the first answer "
                f"(answers start with {markers})",
            )
            return True
        return False

    def _choice_answers(self, block: _Block, chunks, defaults: dict[str, float]) -> list[GiftAnswer]:
        s = block.text
        answers = []
        for marker, marker_pos, start, end in chunks:
            fraction, start = self._weight(block, start, end, defaults[marker])
            if fraction is None:
                continue
            text, feedback = self._split_feedback(s, start, end)
            text, text_format = self._formatted(text)
            if not text:
                self._error(block.line(marker_pos), f"empty answer after '{marker}'")
                continue
            feedback, feedback_format = self._formatted(feedback)
            answers.append(
                GiftAnswer(
                    text=text, fraction=fraction, feedback=feedback, format=text_format, feedback_format=feedback_format
                )
            )
        return answers

    def _parse_multichoice(self, block: _Block, question: GiftQuestion, start: int, end: int) -> None:
        lead, chunks = self._chunks(block.text, start, end, "=~")
        if self._reject_lead(block, lead, "'=' or '~'") or self._too_many_answers(question, chunks):
            return
        errors_before = len(self.errors)
        answers = self._choice_answers(block, chunks, {"=": 1.0, "~": 0.0})
        if len(self.errors) > errors_before:
            return
        if len(answers) < 2:
            self._error(question.line, "multiple-choice question needs at least two answers")
            return
        positive = [answer for answer in answers if answer.fraction > 0]
        if not positive:
            self._error(
                question.line,
                "multiple-choice question has no correct answer: mark one with '=' "
                "or give positive weights such as ~%50%",
            )
            return
        has_equals = any(marker == "=" for marker, *_rest in chunks)
        question.type = "multichoice" if has_equals else "multichoice_multi"
        question.answers = answers

    def _parse_truefalse_or_short(self, block: _Block, question: GiftQuestion, start: int, end: int) -> None:
        s = block.text
        lead, chunks = self._chunks(s, start, end, "=")
        if chunks:
            if self._reject_lead(block, lead, "'='"):
                return
            self._parse_shortanswer(block, question, chunks)
            return

        parts = s[start:end].split("#")
        head = self._clean(parts[0])
        words = head.upper().split()
        tokens = _TRUE_TOKENS | _FALSE_TOKENS
        if words and all(word in tokens for word in words):
            if len(words) > 1:
                self._error(
                    block.line(start),
                    f"true/false answer must be one of T, TRUE, F, FALSE, not {head!r}",
                )
                return
            if len(parts) > 3:
                self._error(
                    block.line(start),
                    "true/false answer has more than two feedbacks "
                    "(expected {T#feedback if wrong#feedback if right})",
                )
                return
            correct = words[0] in _TRUE_TOKENS
            wrong, wrong_format = self._formatted(parts[1]) if len(parts) > 1 else ("", None)
            right, right_format = self._formatted(parts[2]) if len(parts) > 2 else ("", None)
            question.type = "truefalse"
            question.correct = correct
            question.answers = [
                GiftAnswer(
                    text="true", fraction=1.0 if correct else 0.0, feedback=right if correct else wrong,
                    feedback_format=right_format if correct else wrong_format,
                ),
                GiftAnswer(
                    text="false", fraction=0.0 if correct else 1.0, feedback=wrong if correct else right,
                    feedback_format=wrong_format if correct else right_format,
                ),
            ]
            return

        # Moodle docs: a single correct short answer may omit the '='.
        self._parse_shortanswer(block, question, [("=", start, start, end)])

    def _parse_shortanswer(self, block: _Block, question: GiftQuestion, chunks) -> None:
        if self._too_many_answers(question, chunks):
            return
        errors_before = len(self.errors)
        answers = self._choice_answers(block, chunks, {"=": 1.0})
        if len(self.errors) > errors_before:
            return
        if not any(answer.fraction > 0 for answer in answers):
            self._error(question.line, "short-answer question has no answer with a positive weight")
            return
        question.type = "shortanswer"
        question.answers = answers

    def _parse_matching(self, block: _Block, question: GiftQuestion, start: int, end: int) -> None:
        s = block.text
        lead, chunks = self._chunks(s, start, end, "=")
        if self._reject_lead(block, lead, "'='") or self._too_many_answers(question, chunks):
            return
        pairs, formats = [], []
        for _marker, marker_pos, a, b in chunks:
            part = s[a:b]
            if "#" in part:
                self._error(block.line(marker_pos), "matching questions do not support answer feedback ('#')")
                continue
            arrow = part.find("->")
            if arrow == -1:
                self._error(block.line(marker_pos), f"matching pair {self._show(part)} has no '->'")
                continue
            # A spare answer ("= -> answer") keeps its empty sub-question, as in Moodle.
            sub_question, sub_format = self._formatted(part[:arrow])
            answer = self._clean(part[arrow + 2 :])
            if not answer:
                self._error(
                    block.line(marker_pos),
                    f"matching pair {self._show(part)} has no answer after '->'",
                )
                continue
            pairs.append((sub_question, answer))
            formats.append(sub_format)
        if len(pairs) < len(chunks):
            return
        sub_questions = sum(1 for sub_question, _answer in pairs if sub_question)
        if len(pairs) < 3 or sub_questions < 2:
            self._error(
                question.line,
                "matching question needs at least 3 pairs, at least 2 of them with a "
                f"sub-question; found {len(pairs)} pairs with {sub_questions} sub-questions "
                "(a spare answer is written '= -> answer')",
            )
            return
        question.type = "matching"
        question.pairs = pairs
        if any(formats):
            question.subquestion_formats = formats

    def _parse_numerical(self, block: _Block, question: GiftQuestion, start: int, end: int) -> None:
        s = block.text
        lead, chunks = self._chunks(s, start, end, "=~")
        items = list(chunks)
        if s[lead[0] : lead[1]].strip():
            # A lone answer may be written straight after '#', as in {#1822:5}.
            items.insert(0, ("", lead[0], lead[0], lead[1]))
        if not items:
            self._error(question.line, "numerical question has no answers")
            return
        if self._too_many_answers(question, items):
            return

        errors_before = len(self.errors)
        answers = []
        for marker, marker_pos, a, b in items:
            fraction, a = self._weight(block, a, b, 0.0 if marker == "~" else 1.0)
            if fraction is None:
                continue
            raw_value, raw_feedback = self._split_feedback(s, a, b)
            answer = self._numerical_value(block, marker, marker_pos, raw_value)
            if answer is None:
                continue
            answer.fraction = fraction
            answer.feedback, answer.feedback_format = self._formatted(raw_feedback)
            answers.append(answer)
        if len(self.errors) > errors_before:
            return
        if not any(answer.fraction > 0 for answer in answers):
            self._error(question.line, "numerical question has no answer with a positive weight")
            return
        question.type = "numerical"
        question.answers = answers

    def _numerical_value(self, block: _Block, marker: str, marker_pos: int, raw: str) -> GiftAnswer | None:
        # Split while escapes are still placeholders, so an escaped "\:" is not
        # taken as the tolerance separator; only the pieces are unescaped.
        raw = raw.strip()
        line = block.line(marker_pos)
        if raw == CATCH_ALL or (marker == "~" and not raw):
            return GiftAnswer(value=CATCH_ALL)
        if not raw:
            self._error(line, "numerical answer is empty")
            return None

        range_sep = raw.find("..", 1)
        if range_sep != -1:
            low = self._number(line, raw[:range_sep], "range minimum")
            high = self._number(line, raw[range_sep + 2 :], "range maximum")
            if low is None or high is None:
                return None
            if low > high:
                self._error(line, f"numerical range {self._clean(raw)!r} has its minimum above its maximum")
                return None
            return GiftAnswer(min=low, max=high)

        tolerance = 0.0
        value_raw = raw
        if ":" in raw:
            value_raw, tolerance_raw = raw.split(":", 1)
            tolerance = self._number(line, tolerance_raw, "tolerance")
            if tolerance is None:
                return None
            if tolerance < 0:
                self._error(line, f"numerical tolerance in {self._clean(raw)!r} must not be negative")
                return None
        value = self._number(line, value_raw, "answer")
        if value is None:
            return None
        return GiftAnswer(value=value, tolerance=tolerance)

    def _number(self, line: int, raw: str, what: str) -> float | None:
        text = self._clean(raw)
        if _NUMBER_RE.fullmatch(raw.strip()):
            number = float(text)
            if math.isfinite(number):
                return number
            self._error(line, f"numerical {what} {text!r} is too large")
            return None
        hint = " (use '.' as the decimal point)" if "," in text else ""
        self._error(line, f"numerical {what} {text!r} is not a number{hint}")
        return None
