"""A graded attempt puts its auto-graded questions in the student's deck, missed ones first."""

import datetime

import pytest
from django.utils import timezone

from quizzes.services import attempt_followups_run, attempt_start, attempt_submit, quiz_import_gift
from review.models import Card, ReviewLog
from tests.factories import EnrollmentFactory, answers_by_title
from tests.review.builders import MIXED_ANSWERS, graded_student, service_answers

pytestmark = pytest.mark.django_db


def due_in_days(card, attempt):
    return (card.due - attempt.submitted_at).days


def test_each_auto_graded_question_becomes_a_card_spaced_by_its_grade(django_capture_on_commit_callbacks):
    user, quiz, attempt = graded_student(django_capture_on_commit_callbacks)
    cards = {c.question_key: c for c in Card.objects.filter(user=user)}
    # Essays are graded by a person and descriptions give no points: neither is reviewed.
    assert set(cards) == {"Capitale", "Couleurs", "Vrai", "Rareté", "Paires", "Pi"}
    assert due_in_days(cards["Capitale"], attempt) == 1  # wrong: Again
    assert due_in_days(cards["Paires"], attempt) == 1  # unanswered is wrong
    assert due_in_days(cards["Couleurs"], attempt) == 1  # partly right: Hard
    assert due_in_days(cards["Vrai"], attempt) == 2  # right: Good, joins later
    assert ReviewLog.objects.filter(user=user, source="quiz").count() == 6
    assert all(card.course_id == quiz.lesson.course_id for card in cards.values())


def test_no_card_before_the_grade_is_committed(django_capture_on_commit_callbacks):
    lesson_user = EnrollmentFactory()
    from tests.factories import LessonFactory, quiz_from_gift

    quiz = quiz_from_gift(LessonFactory(course=lesson_user.course))
    attempt = attempt_start(quiz=quiz, user=lesson_user.user)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt_submit(attempt_id=attempt.pk, answers=service_answers(attempt, **MIXED_ANSWERS))
    assert not Card.objects.exists()
    assert len(callbacks) == 1


def test_a_second_attempt_keeps_the_schedule_of_cards_already_in_the_deck(django_capture_on_commit_callbacks):
    user, quiz, first = graded_student(django_capture_on_commit_callbacks)
    before = {c.question_key: c.due for c in Card.objects.filter(user=user)}
    later = timezone.now() - datetime.timedelta(days=1)
    attempt = attempt_start(quiz=quiz, user=user, now=later)
    with django_capture_on_commit_callbacks(execute=False):
        attempt_submit(attempt_id=attempt.pk, answers=service_answers(attempt, Capitale="Québec"), now=later)
    attempt_followups_run(attempt_id=attempt.pk)
    assert {c.question_key: c.due for c in Card.objects.filter(user=user)} == before


def test_a_preview_makes_no_card(django_capture_on_commit_callbacks):
    from courses.models import Enrollment
    from tests.factories import LessonFactory, quiz_from_gift

    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)
    teacher = EnrollmentFactory(course=lesson.course, role=Enrollment.Role.INSTRUCTOR).user
    attempt = attempt_start(quiz=quiz, user=teacher, preview=True)
    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt_id=attempt.pk, answers={})
    assert not Card.objects.exists()


def test_a_question_added_later_joins_with_the_next_attempt(django_capture_on_commit_callbacks):
    user, quiz, _attempt = graded_student(django_capture_on_commit_callbacks)
    from tests.factories import SAMPLE_GIFT

    quiz_import_gift(lesson=quiz.lesson, text=SAMPLE_GIFT + "\n::Nouvelle:: Deux et deux ? {=quatre}\n")
    attempt = attempt_start(quiz=quiz, user=user)
    with django_capture_on_commit_callbacks(execute=False):
        attempt_submit(attempt_id=attempt.pk, answers=service_answers(attempt, Nouvelle="quatre"))
    attempt_followups_run(attempt_id=attempt.pk)
    assert Card.objects.filter(user=user, question_key="Nouvelle").exists()
