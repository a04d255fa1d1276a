"""Writer for Moodle's GIFT format.

``write_gift`` produces text that ``parse_gift`` reads back into equal
questions (apart from ``line``). Texts are assumed to be stripped of
surrounding spaces, as the parser strips them; data GIFT cannot express
raises ``ValueError`` instead of being silently altered.
"""

from __future__ import annotations

from collections.abc import Iterable

import re

from .model import GAP, GiftAnswer, GiftQuestion

_FORMAT_MARKER = re.compile(r"\[(moodle|html|plain|markdown)\]", re.IGNORECASE)

_INDENT = "    "


def write_gift(questions: Iterable[GiftQuestion]) -> str:
    chunks: list[str] = []
    category: str | None = None
    for question in questions:
        question_category = question.category or None
        if question_category != category:
            if question_category is not None and "\n" in question_category:
                raise ValueError(f"category {question_category!r} contains a line break")
            # An empty "$CATEGORY:" is how we get back to "no category".
            chunks.append(f"$CATEGORY: {question_category or ''}".rstrip())
            category = question_category
        chunks.append(_write_question(question))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def escape(text: str) -> str:
    """Escape text so that none of it is read as GIFT syntax."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        text = text.replace(char, "\\" + char)
    # A real newline could form a blank line, which would end the question.
    return text.replace("\n", "\\n")


def _write_question(question: GiftQuestion) -> str:
    head = f"::{escape(question.title)}:: " if question.title else ""

    before, after = question.text, ""
    gap = question.text.find(GAP)
    if question.type != "description" and gap != -1:
        rest = question.text[gap + len(GAP):]
        # The parser only sees a gap when something follows the block.
        if escape(rest).strip():
            before, after = question.text[:gap], rest

    # An explicit marker also protects text that would otherwise be read as
    # a format marker ("[html]...") or as a comment line ("//...").
    if question.format != "moodle" or before.lstrip().startswith(("[", "/")):
        head += f"[{question.format}]"

    if question.type == "description":
        if question.general_feedback:
            raise ValueError("a description cannot carry general feedback in GIFT")
        return head + escape(question.text)

    block = _write_block(question)
    if not after:
        # Cosmetic only: the parser strips the text before a trailing block.
        return head + escape(before).rstrip() + " " + block
    return head + escape(before) + block + escape(after)


def _write_block(question: GiftQuestion) -> str:
    general = (
        f"####{_marked(question.general_feedback, question.general_feedback_format)}"
        if question.general_feedback or question.general_feedback_format else ""
    )
    kind = question.type

    if kind == "essay":
        return "{" + general + "}"
    if kind == "truefalse":
        return "{" + _truefalse_body(question) + general + "}"

    if kind == "multichoice":
        lines = _multichoice_lines(question.answers)
    elif kind == "multichoice_multi":
        lines = [_choice_line("~", answer, default=0.0) for answer in question.answers]
    elif kind == "shortanswer":
        for answer in question.answers:
            if "->" in answer.text:
                raise ValueError(f"short answer {answer.text!r} contains '->', which GIFT reads as matching")
        lines = [_choice_line("=", answer, default=1.0) for answer in question.answers]
    elif kind == "matching":
        formats = list(question.subquestion_formats) or [None] * len(question.pairs)
        lines = [_matching_line(sub, answer, fmt) for (sub, answer), fmt in zip(question.pairs, formats)]
    elif kind == "numerical":
        lines = [_numerical_line(answer) for answer in question.answers]
        if len(lines) == 1 and lines[0].startswith("=") and not lines[0].startswith("=%"):
            # Moodle's short form for one fully correct answer: {#1822:5}.
            return "{#" + lines[0][1:] + general + "}"
    else:
        raise ValueError(f"unknown question type {kind!r}")

    if general:
        lines.append(general)
    opening = "{#" if kind == "numerical" else "{"
    return opening + "\n" + "".join(_INDENT + line + "\n" for line in lines) + "}"


def _format_weight(fraction: float) -> str:
    # Five decimals of a percentage is Moodle's own precision (33.33333) and
    # reads back to the same 7-decimal fraction the parser produces.
    text = f"{round(fraction * 100, 5):.5f}".rstrip("0").rstrip(".")
    return "%" + ("0" if text in ("", "-0") else text) + "%"


def _weight_prefix(fraction: float, default: float, text: str = "") -> str:
    # A text starting with "%" would be read as a weight unless one precedes it.
    if round(fraction, 7) == default and not text.startswith("%"):
        return ""
    return _format_weight(fraction)


def _marked(text: str, text_format: str | None) -> str:
    """Escaped text behind its "[format]" marker, when it has one of its own."""
    if text_format:
        return f"[{text_format}]" + escape(text)
    if _FORMAT_MARKER.match(text):
        raise ValueError(f"text {text!r} starts with a format marker GIFT would strip")
    return escape(text)


def _feedback(feedback: str, feedback_format: str | None = None) -> str:
    return "#" + _marked(feedback, feedback_format) if feedback or feedback_format else ""


def _choice_line(marker: str, answer: GiftAnswer, default: float) -> str:
    return (
        marker
        + _weight_prefix(answer.fraction, default, answer.text)
        + _marked(answer.text, answer.format)
        + _feedback(answer.feedback, answer.feedback_format)
    )


def _multichoice_lines(answers: list[GiftAnswer]) -> list[str]:
    # The single "=" tells the parser this is a one-answer question; any
    # other full-credit answers keep their weight behind a "~".
    if not answers:
        return []
    full = [index for index, answer in enumerate(answers) if round(answer.fraction, 7) == 1.0]
    if full:
        equals_index = full[0]
    else:
        equals_index = max(range(len(answers)), key=lambda index: answers[index].fraction)
    return [
        _choice_line("=", answer, 1.0) if index == equals_index else _choice_line("~", answer, 0.0)
        for index, answer in enumerate(answers)
    ]


def _matching_line(sub_question: str, answer: str, sub_format: str | None = None) -> str:
    if "->" in sub_question:
        raise ValueError(f"matching sub-question {sub_question!r} contains '->'")
    if not sub_question and not sub_format:
        return "= -> " + escape(answer)
    return "=" + _marked(sub_question, sub_format) + " -> " + escape(answer)


def _number(value: float) -> str:
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    # repr() is the shortest text that reads back as the very same float.
    return repr(value)


def _numerical_line(answer: GiftAnswer) -> str:
    if answer.is_range:
        body = f"{_number(answer.min)}..{_number(answer.max)}"
    elif answer.is_catch_all:
        if round(answer.fraction, 7) == 0.0:
            # Moodle's own spelling of "feedback for any other answer".
            return "~" + _feedback(answer.feedback, answer.feedback_format)
        body = "*"
    else:
        tolerance = answer.tolerance or 0.0
        body = _number(answer.value) + (f":{_number(tolerance)}" if tolerance else "")
    return "=" + _weight_prefix(answer.fraction, 1.0) + body + _feedback(answer.feedback, answer.feedback_format)


def _truefalse_body(question: GiftQuestion) -> str:
    feedback = {answer.text.lower(): (answer.feedback, answer.feedback_format) for answer in question.answers}
    correct = question.correct
    if correct is None:
        correct = any(answer.text.lower() == "true" and answer.fraction > 0 for answer in question.answers)
    right = feedback.get("true" if correct else "false", ("", None))
    wrong = feedback.get("false" if correct else "true", ("", None))
    # Moodle order: feedback for a wrong answer first, then for a right one.
    body = "TRUE" if correct else "FALSE"
    if right[0] or right[1]:
        body += "#" + _marked(*wrong) + "#" + _marked(*right)
    elif wrong[0] or wrong[1]:
        body += "#" + _marked(*wrong)
    return body
