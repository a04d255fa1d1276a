"""Moodle GIFT quiz-question format: parse and write, without Django."""

from .model import (
    CATCH_ALL,
    GAP,
    QUESTION_TYPES,
    TEXT_FORMATS,
    GiftAnswer,
    GiftError,
    GiftParseResult,
    GiftQuestion,
    truefalse_answers,
)
from .parser import parse_gift
from .writer import write_gift

__all__ = [
    "CATCH_ALL",
    "GAP",
    "QUESTION_TYPES",
    "TEXT_FORMATS",
    "GiftAnswer",
    "GiftError",
    "GiftParseResult",
    "GiftQuestion",
    "parse_gift",
    "truefalse_answers",
    "write_gift",
]
