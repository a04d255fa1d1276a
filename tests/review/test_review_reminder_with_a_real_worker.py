"""The "reviews to do" nudge through a real Celery worker and the machine's Redis: it arrives once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from reminders.models import Reminder
from review import reminders as review_reminders
from tests.factories import LessonFactory, quiz_from_gift
from tests.reminders.test_with_a_real_worker import wait_for
from tests.review.builders import graded_student

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_review_nudge_arrives_once_through_the_worker(celery_app, celery_worker, monkeypatch, django_capture_on_commit_callbacks):
    # The nudge waits for the morning; this test may run at any hour.
    monkeypatch.setattr(review_reminders, "NUDGE_HOUR", 0)
    lesson = LessonFactory()
    quiz_from_gift(lesson)
    lesson.refresh_from_db()
    student, _quiz, _attempt = graded_student(
        django_capture_on_commit_callbacks, lesson=lesson, at=timezone.now() - datetime.timedelta(days=1, hours=1)
    )

    celery_app.send_task("reminders.sweep").get(timeout=30)
    assert wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == [student.email]
    assert "questions" in mail.outbox[0].subject

    celery_app.send_task("reminders.sweep").get(timeout=30)  # the next hour's sweep
    celery_app.send_task("reminders.send_pending").get(timeout=30)
    assert len(mail.outbox) == 1
    assert Reminder.objects.filter(kind="reviews", status="sent").count() == 1
