"""Grading one response to one question, with Moodle's partial-credit rules.

Pure Python (no Django, no database) so that the rules can be tested in
isolation and so that saving, submitting, regrading and the result page all
apply exactly the same ones.

Two steps, because they happen at different times:

* ``validate_response`` runs when an answer is saved. The payload comes from a
  browser and may have been tampered with, so anything a genuine quiz page
  cannot send raises ``InvalidResponse``. It returns the value to store.
* ``grade_response`` runs on stored (validated) answers at submission and
  regrade time. It never raises on an answer that no longer matches the
  question (for instance a choice removed from hand-edited data): that answer
  simply earns nothing, because a regrade must not crash on old data.

The question is the stored ``Question.data`` dict plus its ``type``.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field

from coursesite.errors import BadPayload  # plain Python, like this module

MAX_TEXT_LENGTH = 10_000
CATCH_ALL = "*"

# Typed decimals such as 3.15 are not exact binary floats, so |3.15 - 3.14| is a
# hair above 0.01; a tolerance boundary must still count as inside.
NUMERIC_EPSILON = 1e-9

# GIFT weights carry at most seven decimals (%33.33333%), so three thirds add up
# to 0.9999999. Moodle itself counts any fraction above 0.999999 as "right" and
# below 0.000001 as "wrong"; we snap to 1 and 0 within the same margin so that
# such a total shows as full (or no) credit rather than 99.99999 %.
SNAP_MARGIN = 1e-6
FRACTION_DECIMALS = 7

GRADED_BY_HAND = frozenset({"essay"})
WITHOUT_POINTS = frozenset({"description"})
QUESTION_TYPES = frozenset(
    {"multichoice", "multichoice_multi", "truefalse", "shortanswer", "matching", "numerical"}
) | GRADED_BY_HAND | WITHOUT_POINTS

TRUEFALSE_IDS = ("true", "false")


class InvalidResponse(BadPayload):
    """A payload no genuine quiz page sends: wrong type, unknown id, over-long text...

    Messages never echo the submitted value: they end up in an HTTP response
    and in logs, where attacker-controlled text has no business.
    """


@dataclass(frozen=True)
class GradeResult:
    fraction: float | None  # 0..1; None when a person must grade (essay) or there is nothing to grade
    feedback: list[str] = field(default_factory=list)  # non-empty feedbacks of what matched, in question order
    matched_ids: tuple[str, ...] = ()  # ids of the choices/answers/stems that matched, for per-choice statistics


# --------------------------------------------------------------------------- text and numbers


# Ligatures that are letters of their own in Unicode (no decomposition), yet
# French students on an English keyboard type them as two letters: "coeur".
_LIGATURE_SPELLINGS = str.maketrans({"œ": "oe", "æ": "ae"})

# Every way a keyboard, a phone or a word processor types an apostrophe, as the
# plain one: « l’effet » (the key) and « l'effet » (the keyboard) are one answer.
APOSTROPHES = "\u2019\u2018\u02bc`\u00b4\u2032"
# Quotes say "this is the term", they are not part of it: « le « pull marketing » ».
QUOTES = "«»\"“”‹›„‟"
# Hyphens and dashes of every width, folded with the spaces around them, so
# "pull-marketing", "pull – marketing" and "pull marketing" are one answer.
HYPHENS = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_TEXT_FOLDING = str.maketrans(
    {**{char: "'" for char in APOSTROPHES}, **{char: " " for char in QUOTES}, **{char: " " for char in HYPHENS}}
)
# A word typed as a sentence ("Le concours.") or in brackets is still the word:
# punctuation is dropped at both ends, never inside ("l'offre, la moins chère").
SURROUNDING_PUNCTUATION = " .!?…;:,'()[]{}"


def normalize_text(text: str, *, accents: bool) -> str:
    """The form of ``text`` that short answers are compared in (see docs/decisions/0012).

    Always case-insensitive (GIFT short answers are), in one Unicode form
    (compatibility forms folded, then NFC: "é" typed as one code point or as
    "e" + combining accent, a ligature "ﬁ" or a no-break space are the same
    answer to a reader), every apostrophe as ``'``, quotes removed, runs of
    whitespace and hyphens folded into one space (with no space left around an
    apostrophe) and punctuation removed at both ends. ``accents=False`` also
    drops the accents, so "rarete" equals "rareté".

    Linear in the length of the text: a few passes of translate/split/join
    and no regular expression that could backtrack.
    """
    # Decompose before and after casefolding: casefolding can produce
    # characters that themselves decompose.
    # Apostrophes first: the acute accent "´" decomposes into a space and a combining accent.
    # Again after the compatibility folding, which turns full-width quotes into plain ones.
    folded = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text.translate(_TEXT_FOLDING)).casefold())
    if not accents:
        folded = "".join(char for char in folded if not unicodedata.combining(char))
        folded = folded.translate(_LIGATURE_SPELLINGS)
    folded = unicodedata.normalize("NFC", folded).translate(_TEXT_FOLDING)
    folded = "'".join(part.strip() for part in folded.split("'"))  # "l' effet" is "l'effet"
    return " ".join(folded.split()).strip(SURROUNDING_PUNCTUATION)


# After NFKC every kind of space (no-break U+00A0, narrow no-break U+202F, thin
# U+2009) is a plain space and full-width digits are ASCII, so one pattern
# covers French and English typing. Thousands groups must have three digits so
# that "1 82" (a typo) is not silently read as 182.
_DECIMAL = re.compile(
    r"""
    (?P<sign>[+\-]?)
    (?P<integer>[0-9]{1,3}(?:\ [0-9]{3})+|[0-9]+)?
    (?:[.,](?P<decimals>[0-9]+))?
    (?:[eE](?P<exponent>[+\-]?[0-9]+))?
    """,
    re.VERBOSE,
)


def parse_decimal(text: str) -> float | None:
    """The number a student typed, French or English style; None when it is not one.

    "3,14", "3.14", "-0,5", "+2", "1 822" (space, no-break or narrow no-break
    space between thousands), ",5", "1e3". A comma is always the decimal
    separator and only spaces group thousands, so "1,822" is 1.822 and
    "1,822.5" is not a number: guessing would grade the student on our guess.
    Never raises: a word typed into a numerical question is a wrong answer.
    """
    if not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH:
        return None
    # U+2212 is the typographic minus that French word processors insert.
    cleaned = unicodedata.normalize("NFKC", text).replace("\u2212", "-").strip()
    match = _DECIMAL.fullmatch(cleaned)
    if match is None or (match["integer"] is None and match["decimals"] is None):
        return None
    literal = (
        f"{match['sign']}{(match['integer'] or '0').replace(' ', '')}"
        f".{match['decimals'] or '0'}e{match['exponent'] or '0'}"
    )
    value = float(literal)
    # "1e999" overflows to infinity, which no tolerance can compare against.
    return value if math.isfinite(value) else None


# --------------------------------------------------------------------------- validation


def _is_empty(response) -> bool:
    if response is None:
        return True
    if isinstance(response, str):
        return not response.strip()
    return isinstance(response, (list, dict)) and not response


def _checked_text(value, what: str) -> str:
    if not isinstance(value, str):
        raise InvalidResponse(f"{what} must be text")
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidResponse(f"{what} is longer than {MAX_TEXT_LENGTH} characters")
    # PostgreSQL cannot store NUL in JSON text; no keyboard types it anyway.
    if "\x00" in value:
        raise InvalidResponse(f"{what} contains a NUL character")
    return value


def _answers(question: dict) -> list[dict]:
    return question.get("answers") or []


def _choice_ids(question: dict) -> list[str]:
    return [answer["id"] for answer in _answers(question) if "id" in answer]


def _matching_stems(question: dict) -> dict[str, str]:
    """Stem id -> the answer text that is right for it; spare answers (empty stem) have no stem."""
    pairs = question.get("pairs") or []
    ids = question.get("pair_ids") or []
    return {stem_id: answer for stem_id, (stem, answer) in zip(ids, pairs) if stem}


def _question_type(question: dict) -> str:
    kind = question.get("type")
    if kind not in QUESTION_TYPES:
        # Bad stored data, not a bad payload: let it surface as a server error.
        raise ValueError(f"unknown question type {kind!r}")
    return kind


def validate_response(question: dict, response) -> object:
    """The normalized answer to store, or ``InvalidResponse`` for a tampered payload.

    An empty answer (None, blank text, [] or {}) is "not answered" and is
    stored as None. Typed text (short answer, numerical, essay) is kept as
    typed: a number that does not parse is a wrong answer, not a tampered one.
    """
    kind = _question_type(question)
    if isinstance(response, str):
        _checked_text(response, "the answer")  # before anything else looks at a huge string
    if _is_empty(response):
        return None
    if kind in WITHOUT_POINTS:
        raise InvalidResponse("this question takes no answer")
    if kind in ("shortanswer", "numerical", "essay"):
        return _checked_text(response, "the answer")
    if kind == "truefalse":
        if response not in TRUEFALSE_IDS:
            raise InvalidResponse("the answer must be true or false")
        return response
    if kind == "multichoice":
        if not isinstance(response, str):
            raise InvalidResponse("the answer must be one choice id")
        if response not in set(_choice_ids(question)):
            raise InvalidResponse("unknown choice")
        return response
    if kind == "multichoice_multi":
        return _validated_choices(question, response)
    return _validated_matching(question, response)


def _validated_choices(question: dict, response) -> list[str]:
    if not isinstance(response, list):
        raise InvalidResponse("the answer must be a list of choice ids")
    known = _choice_ids(question)
    known_set = set(known)
    for choice_id in response:
        if not isinstance(choice_id, str):
            raise InvalidResponse("a choice id must be text")
        if choice_id not in known_set:
            raise InvalidResponse("unknown choice")
    if len(set(response)) != len(response):
        raise InvalidResponse("a choice is selected twice")
    # Stored in the question's order so that the same selection is always the
    # same value, whatever order the browser sent it in.
    chosen = set(response)
    return [choice_id for choice_id in known if choice_id in chosen]


def _validated_matching(question: dict, response) -> dict[str, str] | None:
    if not isinstance(response, dict):
        raise InvalidResponse("the answer must map stems to answers")
    stems = _matching_stems(question)
    options = {answer for _stem, answer in question.get("pairs") or []}
    for stem_id, answer in response.items():
        if not isinstance(stem_id, str) or stem_id not in stems:
            raise InvalidResponse("unknown stem")
        if answer is None:
            continue  # a JSON client's way of leaving a stem unanswered
        _checked_text(answer, "a matching answer")
        if answer and answer not in options:
            raise InvalidResponse("unknown matching answer")
    # A stem left on the empty option is unanswered, like a missing one.
    clean = {stem_id: response[stem_id] for stem_id in stems if response.get(stem_id)}
    return clean or None


# --------------------------------------------------------------------------- grading


def _fraction(value: float) -> float:
    """Clamp to [0, 1] (Moodle never lets a question score below zero), snap and round off float noise."""
    value = min(1.0, max(0.0, value))
    if value > 1.0 - SNAP_MARGIN:
        return 1.0
    if value < SNAP_MARGIN:
        return 0.0
    return round(value, FRACTION_DECIMALS)


def _weight(answer: dict) -> float:
    try:
        return float(answer.get("fraction", 0) or 0)
    except (TypeError, ValueError):
        return 0.0


def _result(fraction: float, matched: list[dict]) -> GradeResult:
    return GradeResult(
        fraction=_fraction(fraction),
        feedback=[answer["feedback"] for answer in matched if answer.get("feedback")],
        matched_ids=tuple(str(answer.get("id", "")) for answer in matched),
    )


def _not_answered() -> GradeResult:
    # A fresh result each time: GradeResult.feedback is a list a caller could append to.
    return GradeResult(fraction=0.0)


def grade_response(question: dict, response) -> GradeResult:
    """The fraction of the question's points a stored answer earns, with its feedback."""
    kind = _question_type(question)
    if kind in GRADED_BY_HAND or kind in WITHOUT_POINTS:
        # The caller decides: an essay waits for a person, a description gives no points.
        return GradeResult(fraction=None)
    if _is_empty(response):
        return _not_answered()
    if kind == "multichoice":
        return _grade_single(question, response)
    if kind == "multichoice_multi":
        return _grade_multiple(question, response)
    if kind == "truefalse":
        return _grade_truefalse(question, response)
    if kind == "shortanswer":
        return _grade_short(question, response)
    if kind == "numerical":
        return _grade_numerical(question, response)
    return _grade_matching(question, response)


def _grade_single(question: dict, response) -> GradeResult:
    for answer in _answers(question):
        if answer.get("id") == response:
            return _result(_weight(answer), [answer])
    return _not_answered()


def _grade_multiple(question: dict, response) -> GradeResult:
    chosen = {c for c in response if isinstance(c, str)} if isinstance(response, list) else set()
    # Moodle adds up the weights of every ticked box, wrong ones subtracting,
    # so ticking everything cannot beat ticking only the right ones.
    matched = [answer for answer in _answers(question) if answer.get("id") in chosen]
    return _result(sum(_weight(answer) for answer in matched), matched)


def _grade_truefalse(question: dict, response) -> GradeResult:
    if response not in TRUEFALSE_IDS:
        return _not_answered()
    answer = next((a for a in _answers(question) if a.get("id", a.get("text")) == response), None)
    correct = question.get("correct")
    if correct is None:
        # Older data without `correct`: the answers' weights say the same thing.
        fraction = _weight(answer) if answer else 0.0
    else:
        fraction = 1.0 if (response == "true") == bool(correct) else 0.0
    matched = [answer] if answer else []
    return GradeResult(
        fraction=_fraction(fraction),
        feedback=[a["feedback"] for a in matched if a.get("feedback")],
        matched_ids=(response,),
    )


def _best(candidates: list[dict]) -> dict | None:
    # max() keeps the first of equal weights: question order breaks ties, as in Moodle.
    return max(candidates, key=_weight, default=None)


# French articles and determiners a student may put before the answer or leave
# out: « stratégie pull », « la stratégie pull » and « une stratégie pull » are
# the same answer. Longest first, so "de la" is taken whole before "de".
LEADING_ARTICLES = (
    "de la ", "de l'", "les ", "le ", "la ", "l'", "une ", "un ", "des ", "du ", "de ", "d'",
)


def _without_leading_article(text: str) -> str:
    for article in LEADING_ARTICLES:
        if text.startswith(article) and len(text) > len(article):
            return text[len(article):].lstrip()
    return text


@dataclass(frozen=True)
class ShortAnswerRules:
    """A short-answer question's options, stored in ``Question.data["options"]`` (not in GIFT, which has no syntax for them)."""

    accent_insensitive: bool = True  # "rarete" earns "rareté"'s credit; off for a question where accents are the point
    articles_optional: bool = True  # "la rareté", "rareté" and "une rareté" are one answer

    @classmethod
    def of(cls, question: dict) -> "ShortAnswerRules":
        options = question.get("options") or {}
        return cls(
            accent_insensitive=bool(options.get("accent_insensitive", True)),
            articles_optional=bool(options.get("articles_optional", True)),
        )


def short_answer_form(text: str, *, rules: ShortAnswerRules = ShortAnswerRules()) -> str:
    """The normalised form of a typed answer (or of a key) under a question's rules."""
    form = normalize_text(text, accents=not rules.accent_insensitive)
    return _without_leading_article(form) if rules.articles_optional else form


# A star the author escaped (``\\*``) stands for itself; this private-use
# character holds its place while the key is normalised and split.
_LITERAL_STAR = "\ue000"


def _wildcard_match(parts: list[str], typed: str) -> bool:
    """Whether ``typed`` reads as parts[0] * parts[1] * … * parts[-1].

    Each piece is searched once, leftmost first, after the previous one: a
    left-to-right scan with no backtracking (a leftmost match never rules out
    a later one), unlike a regular expression built from the key.
    """
    first, *middle, last = parts
    if len(typed) < len(first) + len(last) or not typed.startswith(first) or not typed.endswith(last):
        return False
    position, end = len(first), len(typed) - len(last)
    for part in middle:
        found = typed.find(part, position, end)
        if found < 0:
            return False
        position = found + len(part)
    return True


def short_answer_matches(key: str, typed: str, *, rules: ShortAnswerRules = ShortAnswerRules()) -> bool:
    """Whether a student's ``typed`` answer is the key ``key`` under the question's rules.

    Both go through ``short_answer_form``. As in Moodle, a ``*`` in the key
    stands for any run of characters (even none) and ``\\*`` for a star
    itself, so "*pull*" accepts « la stratégie « pull » ».
    """
    typed_form = short_answer_form(typed, rules=rules)
    if not typed_form:
        return False
    key_form = short_answer_form(key.replace("\\*", _LITERAL_STAR), rules=rules)
    if "*" not in key_form:
        return key_form.replace(_LITERAL_STAR, "*") == typed_form
    parts = [part.replace(_LITERAL_STAR, "*") for part in key_form.split("*")]
    return _wildcard_match(parts, typed_form)


def _grade_short(question: dict, response) -> GradeResult:
    if not isinstance(response, str):
        return _not_answered()
    rules = ShortAnswerRules.of(question)
    if not short_answer_form(response, rules=rules):
        return _not_answered()
    specific, catch_all = [], []
    for answer in _answers(question):
        text = answer.get("text", "")
        if text.strip() == CATCH_ALL:
            catch_all.append(answer)
        elif short_answer_matches(text, response, rules=rules):
            specific.append(answer)
    # "*" alone only catches what no written answer recognised, so its (usually nil)
    # weight never overrides a real match, even a lower one.
    best = _best(specific) or _best(catch_all)
    return _result(_weight(best), [best]) if best else _not_answered()


def _numerical_match(answer: dict, number: float) -> bool:
    try:
        if "min" in answer or "max" in answer:
            low, high = float(answer["min"]), float(answer["max"])
            low, high = min(low, high), max(low, high)  # hand-edited data may swap them
            slack = _slack(number, low, high)
            return low - slack <= number <= high + slack
        value = float(answer["value"])
        tolerance = abs(float(answer.get("tolerance") or 0))
    except (KeyError, TypeError, ValueError):
        return False  # a malformed answer recognises nothing rather than breaking the whole grade
    return abs(number - value) <= tolerance + _slack(number, value)


def _slack(*numbers: float) -> float:
    # A fixed epsilon absorbs noise around ordinary values; large ones (sums in
    # the billions) carry noise of a few units in the last place, which grows
    # with their magnitude.
    return NUMERIC_EPSILON + 4 * math.ulp(max(abs(n) for n in numbers))


def _grade_numerical(question: dict, response) -> GradeResult:
    number = parse_decimal(response) if isinstance(response, str) else None
    if number is None:
        # Not a number at all: even a "*" answer is about numbers, so no credit and no feedback.
        return _not_answered()
    specific, catch_all = [], []
    for answer in _answers(question):
        if answer.get("value") == CATCH_ALL:
            catch_all.append(answer)
        elif _numerical_match(answer, number):
            specific.append(answer)
    best = _best(specific) or _best(catch_all)
    return _result(_weight(best), [best]) if best else _not_answered()


def _grade_matching(question: dict, response) -> GradeResult:
    stems = _matching_stems(question)
    if not stems or not isinstance(response, dict):
        return _not_answered()
    # Moodle gives equal credit per stem; spare answers are only distractors.
    right = [stem_id for stem_id, answer in stems.items() if response.get(stem_id) == answer]
    return GradeResult(fraction=_fraction(len(right) / len(stems)), feedback=[], matched_ids=tuple(right))
