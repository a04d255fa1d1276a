"""Conversion between GIFT questions and the `Question.data` stored in the database.

`data` keeps the GIFT JSON contract's answers (and pairs, and `correct`) and adds
an id to each choice. Ids are an HMAC, keyed with the site's SECRET_KEY, of the
quiz, the question key, the position and the text: an unchanged question keeps
its ids on every import (saved answers still match), a choice id of one
question is never valid for another, and without the secret nobody can tell
from an id which position or answer it stands for (docs/decisions/0003).
"""

import hashlib

from django.utils.crypto import salted_hmac

from quizzes.gift import GiftAnswer, GiftQuestion

CONTENT_FIELDS = ("type", "text", "text_format", "general_feedback", "category", "data")


def question_key(gift: GiftQuestion) -> str:
    if gift.title:
        return gift.title[:255]
    return "text:" + hashlib.sha1(gift.text.encode("utf-8")).hexdigest()[:16]


def _choice_id(quiz_id: int, key: str, index: int, text: str) -> str:
    # 64 bits of an HMAC: unguessable, and short enough for a form field value.
    return salted_hmac("quizzes.choice-id", f"{quiz_id}\x1f{key}\x1f{index}\x1f{text}", algorithm="sha256").hexdigest()[:16]


def question_values_from_gift(*, gift: GiftQuestion, quiz_id: int) -> dict:
    """The Question fields (other than quiz, position, version) for a parsed GIFT question."""
    key = question_key(gift)
    contract = gift.to_json()
    data: dict = {"answers": contract["answers"]}
    if gift.type == "truefalse":
        data["correct"] = gift.correct
        for answer in data["answers"]:
            answer["id"] = answer["text"]  # "true" / "false": the grading module's ids
    else:
        for index, answer in enumerate(data["answers"]):
            label = answer.get("text", str(answer.get("value", answer.get("min"))))
            answer["id"] = _choice_id(quiz_id, key, index, label)
    if gift.general_feedback_format:
        data["general_feedback_format"] = gift.general_feedback_format
    if gift.type == "matching":
        data["pairs"] = contract["pairs"]
        if contract.get("subquestion_formats"):
            data["subquestion_formats"] = contract["subquestion_formats"]
        data["pair_ids"] = [_choice_id(quiz_id, key, index, stem) for index, (stem, _a) in enumerate(gift.pairs)]
    return {
        "key": key,
        "title": gift.title[:255],
        "type": gift.type,
        "text": gift.text,
        "text_format": gift.format,
        "general_feedback": gift.general_feedback,
        "category": gift.category or "",
        "data": data,
        "points": 0 if gift.type == "description" else 1,
    }


def gift_from_question(question) -> GiftQuestion:
    """The GIFT question a stored Question was imported from (for export)."""
    answers = []
    for answer in question.data.get("answers", []):
        names = ("text", "fraction", "feedback", "value", "tolerance", "min", "max", "format", "feedback_format")
        fields = {name: answer[name] for name in names if name in answer}
        answers.append(GiftAnswer(**fields))
    return GiftQuestion(
        type=question.type,
        text=question.text,
        title=question.title,
        format=question.text_format,
        general_feedback=question.general_feedback,
        category=question.category or None,
        answers=answers,
        pairs=[tuple(pair) for pair in question.data.get("pairs", [])],
        correct=question.data.get("correct"),
        subquestion_formats=list(question.data.get("subquestion_formats", [])),
        general_feedback_format=question.data.get("general_feedback_format"),
    )
