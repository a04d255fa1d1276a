import datetime
import threading

import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.utils import timezone

from reminders.models import Reminder
from reminders.services import reminder_sweep, reminders_send_pending
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift


def run_together(function, count=2):
    barrier = threading.Barrier(count)
    errors = []

    def target():
        try:
            barrier.wait()
            function()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=target) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL; CI runs this on it")
@pytest.mark.django_db(transaction=True)
def test_two_workers_sweeping_and_sending_at_once_send_each_reminder_once():
    now = timezone.now()
    lesson = LessonFactory()
    quiz_from_gift(lesson, due_at=now + datetime.timedelta(hours=30))
    students = [EnrollmentFactory(course=lesson.course).user for _ in range(40)]

    run_together(lambda: reminder_sweep(now=now))
    assert Reminder.objects.count() == 40

    run_together(lambda: reminders_send_pending(now=now), count=3)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(s.email for s in students)
    assert Reminder.objects.filter(status="sent").count() == 40
