"""The work that follows a grade (review cards) leaves the submit's transaction, and still happens exactly once."""

import pytest
from django.urls import reverse

from gradebook.models import Standing
from quizzes.models import Attempt
from quizzes.services import attempt_followups_run, attempt_start, attempt_submit, attempts_followups_sweep
from quizzes.tasks import run_attempt_followups
from review.models import Card
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.quizzes.test_submit_performance_and_concurrency import full_answers, gift_with

pytestmark = pytest.mark.django_db


def _broker_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(run_attempt_followups, "delay", refuse)


def test_a_submit_whose_followups_could_not_be_queued_gets_its_cards_from_the_sweep(monkeypatch, django_capture_on_commit_callbacks):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, gift_with(5))
    learner = EnrollmentFactory(course=lesson.course).user
    attempt = attempt_start(quiz=quiz, user=learner)
    _broker_down(monkeypatch)

    with django_capture_on_commit_callbacks(execute=True):
        attempt_submit(attempt_id=attempt.pk)

    attempt.refresh_from_db()
    # The grade and the student's standing committed with the submit; the cards wait, marked.
    assert attempt.is_submitted and attempt.followups_pending
    assert Standing.objects.filter(user=learner, course=lesson.course).exists()
    assert not Card.objects.filter(user=learner).exists()

    assert attempts_followups_sweep() == 1
    assert Card.objects.filter(user=learner).count() == 5
    attempt.refresh_from_db()
    assert not attempt.followups_pending
    # The next sweep (or a late task) finds nothing to do: the cards were made once.
    assert attempts_followups_sweep() == 0
    assert attempt_followups_run(attempt_id=attempt.pk) is False
    assert Card.objects.filter(user=learner).count() == 5


def test_a_preview_owes_no_followups(django_capture_on_commit_callbacks):
    from courses.models import Enrollment

    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, gift_with(3))
    teacher = EnrollmentFactory(course=lesson.course, role=Enrollment.Role.INSTRUCTOR).user
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt_submit(attempt_id=attempt_start(quiz=quiz, user=teacher, preview=True).pk)
    assert callbacks == []
    assert not Attempt.objects.filter(followups_pending=True).exists()


@pytest.mark.parametrize("count", [5, 20])
def test_starting_an_attempt_runs_a_constant_number_of_queries(client, django_assert_num_queries, count):
    lesson = LessonFactory()
    quiz_from_gift(lesson, gift_with(count))
    learner = EnrollmentFactory(course=lesson.course).user
    client.force_login(learner)

    with django_assert_num_queries(START_QUERIES):
        response = client.post(reverse("courses:quizzes:start", kwargs={"course": lesson.course.slug, "lesson": lesson.slug}))

    assert response.status_code == 302
    assert Attempt.objects.filter(user=learner, status=Attempt.Status.IN_PROGRESS).count() == 1


# Session and user, the course and the student's enrolment, the lesson, its quiz, the rules (attempt in progress,
# attempts used, questions, last number), the student's own dates (overrides and extra time: 2), the savepoint and
# insert of the attempt, and the activity touch: the same at any quiz length.
START_QUERIES = 18
