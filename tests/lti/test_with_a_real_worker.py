"""Scores through a real Celery worker and the machine's Redis: submit → on-commit task → score in the LMS."""


import pytest
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from coursesite.content_import import course_content_import
from courses.models import Enrollment
from lti.models import LtiScore
from lti.schedule import install_beat_schedule
from lti.services import platform_register
from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit
from tests.conftest import SEEDS_DIR
from tests.factories import EnrollmentFactory
from tests.lti.test_launch import QUIZ_LESSON, launch
from tests.waiting import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_submitted_attempt_reaches_the_lms_through_the_worker_and_beat_retries_after_an_outage(
    celery_app, celery_worker, client, lms
):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    platform_register(course=course, actor=teacher, deployment_ids=lms.deployment_id, **lms.registration)
    launch(client, lms, custom={"lesson": QUIZ_LESSON, "target": "quiz"})
    student = Enrollment.objects.get(course=course, role=Enrollment.Role.STUDENT).user
    quiz = course.lessons.get(slug=QUIZ_LESSON).quiz

    lms.down = True
    attempt_submit(attempt_id=attempt_start(quiz=quiz, user=student).pk, answers={})
    assert wait_for(lambda: LtiScore.objects.filter(tries=1).exists())  # the worker tried; the LMS was down
    assert lms.scores == []
    # The worker also ran the attempt's follow-ups (its review cards), out of the submit's transaction.
    assert wait_for(lambda: not Attempt.objects.filter(followups_pending=True).exists())

    lms.down = False
    LtiScore.objects.update(next_try_at=LtiScore.objects.get().next_try_at.replace(year=2000))  # its retry is due
    install_beat_schedule(PeriodicTask=PeriodicTask, IntervalSchedule=IntervalSchedule)
    celery_app.send_task(PeriodicTask.objects.get(task="lti.send_due_scores").task).get(timeout=30)

    assert len(lms.scores) == 1 and lms.scores[0]["userId"] == "student-sub-1"
    assert LtiScore.objects.get().status == LtiScore.Status.SENT
