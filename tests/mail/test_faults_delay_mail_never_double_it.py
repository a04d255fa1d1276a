"""A fault delays mail, never doubles it: real SMTP server, real worker process, the test database.

Each test decides M reminders, lets a real worker send them through a real SMTP server, breaks
something after N have been accepted, and checks what arrived: every student once, plus at most
one copy of the e-mail in flight, carrying the same Message-ID.
"""

import datetime

import pytest
from django.utils import timezone

from reminders.services import reminder_sweep
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.mail.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)

M, N = 12, 7  # 5 e-mails per run: the fault hits the second run
PER_RUN = {"OUTBOX_MESSAGES_PER_RUN": 5}


def decide_reminders(count: int) -> set[str]:
    lesson = LessonFactory()
    quiz_from_gift(lesson, due_at=timezone.now() + datetime.timedelta(hours=30))
    students = [EnrollmentFactory(course=lesson.course).user for _ in range(count)]
    assert len(reminder_sweep().decided) == count  # its commit also nudges the worker, as in production
    return {student.email for student in students}


def assert_each_arrived_once_but_the_one_in_flight(inbox, emails: set[str]) -> None:
    assert set(inbox.by_recipient()) == emails
    duplicates = inbox.duplicates()
    assert len(inbox.messages) == len(emails) + 1 and len(duplicates) == 1
    _to, message_ids = duplicates[0]
    assert len(message_ids) == 2 and message_ids[0] == message_ids[1]  # recognisably the same e-mail


def test_a_worker_killed_mid_send_costs_at_most_one_copy_with_the_same_message_id(
    smtp_inbox, start_worker, worker_db, celery_app
):
    emails = decide_reminders(M)
    # The (N+1)th e-mail reaches the server, whose « accepted » never comes back before the crash.
    smtp_inbox.hold(after=N, record=True)
    first = start_worker(**PER_RUN)
    wait_until(smtp_inbox.holding.is_set, what="the first worker to reach the held e-mail", log=first.log)

    first.kill()
    smtp_inbox.release()
    assert worker_db.statuses() == {"sent": N, "pending": M - N}  # each accepted e-mail was marked as it went

    second = start_worker(**PER_RUN)
    celery_app.send_task("reminders.send_pending")  # the 5-minute beat's run
    wait_until(lambda: worker_db.statuses() == {"sent": M}, what="the new worker to finish", log=second.log)
    assert_each_arrived_once_but_the_one_in_flight(smtp_inbox, emails)


def test_a_worker_cut_off_its_database_mid_send_costs_at_most_one_copy(smtp_inbox, start_worker, worker_db, celery_app):
    emails = decide_reminders(M)
    smtp_inbox.hold(after=N, record=True)
    worker = start_worker(**PER_RUN)
    wait_until(smtp_inbox.holding.is_set, what="the worker to reach the held e-mail", log=worker.log)

    worker_db.cut_off_worker()
    smtp_inbox.release()  # accepted, but its mark cannot be written
    wait_until(lambda: "raised unexpected" in worker.log.read_text(), what="the run to fail", log=worker.log)
    worker_db.restore()
    assert worker_db.statuses() == {"sent": N, "pending": M - N}  # only the one in flight lost its mark

    celery_app.send_task("reminders.send_pending")
    wait_until(lambda: worker_db.statuses() == {"sent": M}, what="the next run to finish", log=worker.log)
    assert_each_arrived_once_but_the_one_in_flight(smtp_inbox, emails)


def test_a_stalled_mail_server_stops_the_run_at_its_time_limit_and_the_next_resends_nothing_accepted(
    smtp_inbox, start_worker, worker_db, celery_app
):
    emails = decide_reminders(8)
    # A task carries the time limits of the process that publishes it: this test publishes the run itself.
    celery_app.control.purge()
    smtp_inbox.hold(after=3, record=False)  # the 4th e-mail hangs, longer than the soft time limit
    worker = start_worker(CELERY_TASK_SOFT_TIME_LIMIT=3, CELERY_TASK_TIME_LIMIT=20, EMAIL_TIMEOUT=15)
    celery_app.send_task("reminders.send_pending", soft_time_limit=3, time_limit=20)
    wait_until(smtp_inbox.holding.is_set, what="the worker to reach the stalled server", log=worker.log)

    wait_until(lambda: "soft time limit reached" in worker.log.read_text(), what="the soft time limit", log=worker.log)
    assert worker_db.statuses() == {"sent": 3, "pending": 5}
    # Stopped, not failed: the e-mail in flight did not spend one of its tries.
    assert worker_db.rows("SELECT MAX(attempts) FROM reminders_reminder WHERE status = 'pending'") == [(0,)]
    assert "raised unexpected" not in worker.log.read_text()

    smtp_inbox.release()
    celery_app.send_task("reminders.send_pending")
    wait_until(lambda: worker_db.statuses() == {"sent": 8}, what="the next run to finish", log=worker.log)
    assert smtp_inbox.by_recipient() == {email: 1 for email in emails}
