"""Import modes (« Remplacer », « Ajouter »), the plan an import shows first, and the « Corbeille »: deleted and
retired questions come back for 30 days, then the unanswered deleted ones are purged."""

from datetime import timedelta

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Question
from quizzes.selectors import attempt_items, quiz_trash
from quizzes.services import (
    ImportMode, QuizError, attempt_start, attempt_submit, question_delete, question_restore, questions_purge, quiz_import_gift,
)
from quizzes.tasks import purge_trash
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

GIFT = """::Un:: Premier ? {=oui ~non}

::Deux:: Deuxième ? {T}

::Trois:: Troisième ? {=a ~b}
"""
TROIS = "::Trois:: Troisième ? {=a ~b}\n"
OTHER = """::Quatre:: Quatrième ? {=x ~y}

::Deux:: Deuxième, reformulée ? {F}
"""


@pytest.fixture
def quiz(db):
    return quiz_from_gift(LessonFactory(), GIFT)


def active_titles(quiz):
    return list(Question.objects.filter(quiz=quiz, is_active=True).order_by("position").values_list("title", flat=True))


def answer(quiz, title):
    student = EnrollmentFactory(course=quiz.lesson.course).user
    attempt = attempt_start(quiz=quiz, user=student)
    question = Question.objects.get(quiz=quiz, title=title, is_active=True)
    choice = "true" if question.type == "truefalse" else question.data["answers"][0]["id"]
    return attempt_submit(attempt_id=attempt.pk, answers={str(question.pk): choice})


def answered_except_trois(quiz):
    """« Un » and « Deux » in a submitted attempt (which holds a response for each question it showed), then
    « Trois » added after it: nobody answered that one."""
    quiz_import_gift(lesson=quiz.lesson, text=GIFT.replace(TROIS, ""))
    attempt = answer(quiz, "Un")
    quiz_import_gift(lesson=quiz.lesson, text=TROIS, mode=ImportMode.ADD)
    return attempt


def test_add_mode_appends_new_questions_versions_namesakes_and_retires_nothing(quiz):
    answer(quiz, "Deux")
    report = quiz_import_gift(lesson=quiz.lesson, text=OTHER, mode=ImportMode.ADD)
    assert active_titles(quiz) == ["Un", "Deux", "Trois", "Quatre"]  # « Deux » keeps its place
    assert (report.created, report.versioned, report.retired, report.deleted) == (1, 1, 0, 0)
    assert Question.objects.get(quiz=quiz, title="Deux", is_active=True).version == 2


def test_replace_mode_lists_what_it_retires_and_deletes_and_keeps_the_rows_in_the_trash(quiz):
    answered_except_trois(quiz)
    plan = quiz_import_gift(lesson=quiz.lesson, text=OTHER, dry_run=True, record=False)
    assert plan.titles == {"created": ["Quatre"], "updated": [], "versioned": ["Deux"], "retired": ["Un"], "deleted": ["Trois"]}
    assert active_titles(quiz) == ["Un", "Deux", "Trois"]  # the plan saved nothing

    quiz_import_gift(lesson=quiz.lesson, text=OTHER)

    assert active_titles(quiz) == ["Quatre", "Deux"]
    trash = {q.title: q.answered for q in quiz_trash(quiz=quiz)}
    assert trash == {"Un": True, "Trois": False}


def test_a_deleted_question_is_restored_at_the_end_as_the_same_version(quiz):
    trois = Question.objects.get(quiz=quiz, title="Trois")
    question_delete(question=trois)
    assert active_titles(quiz) == ["Un", "Deux"] and [q.pk for q in quiz_trash(quiz=quiz)] == [trois.pk]

    assert question_restore(question=Question.objects.get(pk=trois.pk)) is True
    assert question_restore(question=Question.objects.get(pk=trois.pk)) is False  # twice: once

    assert active_titles(quiz) == ["Un", "Deux", "Trois"] and quiz_trash(quiz=quiz) == []
    assert Question.objects.get(pk=trois.pk).version == 1


def test_an_answered_question_is_still_refused_deletion(quiz):
    answer(quiz, "Un")
    with pytest.raises(QuizError):
        question_delete(question=Question.objects.get(quiz=quiz, title="Un"))


def test_a_retired_answered_question_comes_back_and_its_attempt_still_shows_it(quiz):
    attempt = answered_except_trois(quiz)
    quiz_import_gift(lesson=quiz.lesson, text=OTHER)
    retired = next(q for q in quiz_trash(quiz=quiz) if q.title == "Un")
    assert question_restore(question=retired)
    assert active_titles(quiz) == ["Quatre", "Deux", "Un"]
    assert attempt_items(attempt=Attempt.objects.get(pk=attempt.pk))[0].question.pk == retired.pk


def test_the_trash_forgets_after_30_days_and_the_purge_removes_only_unanswered_unshown_questions(quiz):
    answered_except_trois(quiz)
    quiz_import_gift(lesson=quiz.lesson, text=OTHER)  # retires « Un » (answered), deletes « Trois »
    later = timezone.now() + timedelta(days=31)
    assert quiz_trash(quiz=quiz, now=later) == []

    assert questions_purge(now=timezone.now() + timedelta(days=29)) == 0
    assert questions_purge(now=later) == 2  # « Trois » twice: deleted by the set-up's import, then by this one

    assert not Question.objects.filter(quiz=quiz, title="Trois").exists()
    assert Question.objects.filter(quiz=quiz, title="Un").exists()  # an attempt needs it: never purged


def test_the_purge_keeps_a_question_an_attempt_showed_even_without_an_answer(quiz):
    student = EnrollmentFactory(course=quiz.lesson.course).user
    attempt = attempt_start(quiz=quiz, user=student)
    attempt_submit(attempt_id=attempt.pk, answers={})
    trois = Question.objects.get(quiz=quiz, title="Trois")
    Question.objects.filter(pk=trois.pk).update(is_active=False, retired_at=timezone.now() - timedelta(days=40))
    assert questions_purge() == 0


def test_the_daily_task_purges(quiz):
    trois = Question.objects.get(quiz=quiz, title="Trois")
    Question.objects.filter(pk=trois.pk).update(is_active=False, retired_at=timezone.now() - timedelta(days=40))
    assert purge_trash() == 1
