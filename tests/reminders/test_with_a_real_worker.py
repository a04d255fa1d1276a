"""Reminders through a real Celery worker and the Redis broker of the machine (CI: Redis database 7)."""

import datetime

import pytest
from django.core import mail
from django_celery_beat.models import PeriodicTask

from discussions.models import Post, Thread
from discussions.services import post_create
from notifications.models import Notification
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.waiting import wait_for


pytestmark = pytest.mark.django_db(transaction=True)


def test_scheduled_sweep_sends_the_expected_emails_once(celery_app, celery_worker):
    from django.utils import timezone

    lesson = LessonFactory()
    quiz_from_gift(lesson, due_at=timezone.now() + datetime.timedelta(hours=30))
    students = [EnrollmentFactory(course=lesson.course).user for _ in range(3)]
    # Transactional tests empty the tables the migration filled: install the default schedule again.
    from django_celery_beat.models import CrontabSchedule, IntervalSchedule

    from reminders.schedule import install_beat_schedule

    install_beat_schedule(PeriodicTask=PeriodicTask, CrontabSchedule=CrontabSchedule, IntervalSchedule=IntervalSchedule)
    entry = PeriodicTask.objects.get(task="reminders.sweep")  # what beat sends every hour

    celery_app.send_task(entry.task).get(timeout=30)

    assert wait_for(lambda: len(mail.outbox) == 3)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in students)
    celery_app.send_task(entry.task).get(timeout=30)
    celery_app.send_task("reminders.send_pending").get(timeout=30)
    assert len(mail.outbox) == 3


def test_a_dead_broker_delays_the_reply_email_and_the_working_one_delivers_it(celery_app, celery_worker, monkeypatch):
    lesson = LessonFactory()
    from discussions.services import prompt_threads_sync

    teacher = EnrollmentFactory(course=lesson.course, role="instructor").user
    prompt_threads_sync(lesson=lesson, author=teacher)
    thread = Thread.objects.create(lesson=lesson, author=teacher, title="Fil", last_post_at=timezone_now())
    follower = EnrollmentFactory(course=lesson.course).user
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    wait_for(lambda: False, timeout=0.5)

    # The broker is down while the student posts: the post succeeds, the e-mail waits in the outbox.
    monkeypatch.setattr(celery_app.conf, "broker_url", "redis://127.0.0.1:1/0")
    monkeypatch.setattr(celery_app, "_pool", None)
    monkeypatch.setattr(celery_app.amqp, "_producer_pool", None)
    post_create(thread=thread, author=EnrollmentFactory(course=lesson.course).user, body="Réponse pendant la panne")
    assert Post.objects.filter(body="Réponse pendant la panne").exists()
    assert Notification.objects.get(user=follower).emailed_at is None

    monkeypatch.undo()
    celery_app.send_task("reminders.sweep").get(timeout=30)
    assert wait_for(lambda: any(m.to == [follower.email] for m in mail.outbox))
    assert len([m for m in mail.outbox if m.to == [follower.email]]) == 1


def timezone_now():
    from django.utils import timezone

    return timezone.now()
