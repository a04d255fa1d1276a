"""Choice ids tell a student nothing: keyed with the site's secret, yet stable across re-imports of the same question."""

import hashlib

import pytest

from quizzes.models import Question
from quizzes.services import quiz_import_gift
from tests.factories import SAMPLE_GIFT, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db

UNTITLED = "Quelle est la capitale du Québec ? {=Québec ~Montréal ~Gatineau}\n"


def public_recipes(question) -> set[str]:
    """Every id a student could compute from what the page shows and guessable numbers (the former scheme)."""
    recipes = set()
    for quiz_id in range(0, 50):
        for index, answer in enumerate(question.data["answers"]):
            recipes.add(hashlib.sha1(f"{quiz_id}\x1f{question.key}\x1f{index}\x1f{answer['text']}".encode()).hexdigest()[:12])
            recipes.add(hashlib.sha1(f"{question.key}\x1f{index}\x1f{answer['text']}".encode()).hexdigest()[:12])
    return recipes


def test_choice_ids_cannot_be_recomputed_from_the_question(settings):
    quiz = quiz_from_gift(LessonFactory(), UNTITLED)
    question = Question.objects.get(quiz=quiz)

    ids = {answer["id"] for answer in question.data["answers"]}

    assert len(ids) == 3
    assert not ids & public_recipes(question)


def test_choice_ids_depend_on_the_site_secret(settings):
    first = quiz_from_gift(LessonFactory(), UNTITLED)
    first_ids = [a["id"] for a in Question.objects.get(quiz=first).data["answers"]]

    settings.SECRET_KEY = "another-site-" + "x" * 50
    lesson = LessonFactory()
    Question.objects.filter(quiz=first).delete()
    first.lesson = lesson
    first.save()  # the same quiz id on another site: only the secret differs
    second_ids = [a["id"] for a in Question.objects.get(quiz=quiz_import_gift(lesson=lesson, text=UNTITLED).quiz).data["answers"]]

    assert not set(first_ids) & set(second_ids)


def test_reimporting_the_same_file_keeps_every_choice_id():
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)
    before = {q.key: q.data for q in Question.objects.filter(quiz=quiz)}

    report = quiz_import_gift(lesson=lesson, text=SAMPLE_GIFT)

    assert report.unchanged == len(before) and report.versioned == report.updated == 0
    assert {q.key: q.data for q in Question.objects.filter(quiz=quiz)} == before


def test_the_same_text_in_two_questions_gets_different_ids():
    quiz = quiz_from_gift(LessonFactory(), "::A:: Oui ou non ? {=Oui ~Non}\n\n::B:: Oui ou non ? {=Oui ~Non}\n")
    a, b = (Question.objects.get(quiz=quiz, title=t) for t in "AB")
    assert not {x["id"] for x in a.data["answers"]} & {x["id"] for x in b.data["answers"]}
