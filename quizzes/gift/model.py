"""Plain data classes for GIFT questions, shared by the parser and the writer.

The ``to_json()`` methods produce the exact shape printed by
``manage.py import_gift --json``; keep them in sync with that contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

QUESTION_TYPES = (
    "multichoice",
    "multichoice_multi",
    "truefalse",
    "shortanswer",
    "matching",
    "numerical",
    "essay",
    "description",
)

TEXT_FORMATS = ("moodle", "html", "plain", "markdown")

# The value Moodle's numerical question type uses for an answer that matches
# any response (typically a 0% answer that only carries feedback).
CATCH_ALL = "*"

# Where a missing-word question had its answer block.
GAP = "_____"


@dataclass
class GiftAnswer:
    """One answer of a question.

    Choice-like questions (multiple choice, short answer, true/false) use
    ``text``. Numerical answers use ``value`` + ``tolerance``, or ``min`` +
    ``max`` for a range, or ``value == "*"`` for a catch-all answer.
    """

    text: str = ""
    fraction: float = 0.0
    feedback: str = ""
    value: float | str | None = None
    tolerance: float | None = None
    min: float | None = None
    max: float | None = None
    # Set by a "[html]"-style marker on the answer text or its feedback; None: the question's format.
    format: str | None = None
    feedback_format: str | None = None

    @property
    def is_range(self) -> bool:
        return self.min is not None or self.max is not None

    @property
    def is_catch_all(self) -> bool:
        return self.value == CATCH_ALL

    @property
    def is_numerical(self) -> bool:
        return self.value is not None or self.is_range

    def to_json(self) -> dict[str, Any]:
        data = self._to_json()
        # Only a marker in the source adds these keys, so unmarked GIFT keeps the contract's exact shape.
        if self.format is not None:
            data["format"] = self.format
        if self.feedback_format is not None:
            data["feedback_format"] = self.feedback_format
        return data

    def _to_json(self) -> dict[str, Any]:
        if self.is_range:
            return {
                "min": self.min,
                "max": self.max,
                "fraction": self.fraction,
                "feedback": self.feedback,
            }
        if self.is_catch_all:
            return {"value": CATCH_ALL, "fraction": self.fraction, "feedback": self.feedback}
        if self.value is not None:
            return {
                "value": self.value,
                "tolerance": self.tolerance if self.tolerance is not None else 0.0,
                "fraction": self.fraction,
                "feedback": self.feedback,
            }
        return {"text": self.text, "fraction": self.fraction, "feedback": self.feedback}


@dataclass
class GiftQuestion:
    """A parsed (or to-be-written) GIFT question.

    ``title`` is ``""`` when the source had no ``::title::``; unlike Moodle we
    do not invent one from the text, so that writing the question back does
    not add a title that was never there.
    """

    title: str = ""
    type: str = "description"
    text: str = ""
    format: str = "moodle"
    general_feedback: str = ""
    category: str | None = None
    line: int = 0
    answers: list[GiftAnswer] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    correct: bool | None = None
    # Per pair, the format a marker set on its sub-question (None: none); empty when no marker.
    subquestion_formats: list[str | None] = field(default_factory=list)
    general_feedback_format: str | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "title": self.title,
            "type": self.type,
            "text": self.text,
            "format": self.format,
            "general_feedback": self.general_feedback,
            "category": self.category,
            "line": self.line,
            "answers": [answer.to_json() for answer in self.answers],
        }
        if self.general_feedback_format is not None:
            data["general_feedback_format"] = self.general_feedback_format
        if self.type == "matching":
            data["pairs"] = [[question, answer] for question, answer in self.pairs]
            if any(self.subquestion_formats):
                data["subquestion_formats"] = list(self.subquestion_formats)
        if self.type == "truefalse":
            data["correct"] = self.correct
        return data


def truefalse_answers(
    correct: bool, feedback_true: str = "", feedback_false: str = ""
) -> list[GiftAnswer]:
    """The two answers a true/false question carries, in the order true, false.

    Keeping both choices as answers (rather than "right"/"wrong" feedback
    fields) lets consumers show the feedback of whichever choice was picked.
    """
    return [
        GiftAnswer(text="true", fraction=1.0 if correct else 0.0, feedback=feedback_true),
        GiftAnswer(text="false", fraction=0.0 if correct else 1.0, feedback=feedback_false),
    ]


@dataclass
class GiftError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {"line": self.line, "message": self.message}


@dataclass
class GiftParseResult:
    questions: list[GiftQuestion] = field(default_factory=list)
    errors: list[GiftError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        return {
            "questions": [question.to_json() for question in self.questions],
            "errors": [error.to_json() for error in self.errors],
        }
