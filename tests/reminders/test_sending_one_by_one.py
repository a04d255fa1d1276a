"""The reminder sender marks each e-mail as it goes, gives it a stable identity, and stops cleanly at the time limit."""

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core import mail, signing
from django.core.mail.backends.locmem import EmailBackend
from kombu.exceptions import OperationalError

from discussions.models import Thread
from discussions.services import post_create
from reminders.emails import build_message
from reminders.models import Reminder
from reminders.services import reminder_sweep, reminders_send_pending
from reminders.tokens import UNSUBSCRIBE_SALT, read_unsubscribe_token, unsubscribe_token
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


class LimitOnThirdBackend(EmailBackend):
    """Celery's soft time limit fires while the third e-mail is on its way."""

    def send_messages(self, messages):
        if len(mail.outbox) == 2:
            raise SoftTimeLimitExceeded()
        return super().send_messages(messages)


class BrokenDatabaseAfterSecond(EmailBackend):
    """The second e-mail is accepted, then the database goes away before its mark (the worker dies)."""

    def send_messages(self, messages):
        sent = super().send_messages(messages)
        if len(mail.outbox) == 2:
            raise KeyboardInterrupt  # not a delivery failure: nothing handles it, like a crash
        return sent


def test_each_email_is_marked_sent_in_its_own_transaction(settings, quiz_due, cohort, now):
    settings.EMAIL_BACKEND = "tests.reminders.test_sending_one_by_one.BrokenDatabaseAfterSecond"
    reminder_sweep(now=now)

    with pytest.raises(KeyboardInterrupt):
        reminders_send_pending(now=now)

    # The first e-mail's mark was committed before the second went out; the second, in flight, was not.
    assert Reminder.objects.filter(status="sent").count() == 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert reminders_send_pending(now=now) == 2  # the one in flight again, and the last
    resent = [m for m in mail.outbox if m.to == mail.outbox[1].to]
    assert len(resent) == 2 and resent[0].extra_headers["Message-ID"] == resent[1].extra_headers["Message-ID"]


def test_the_soft_time_limit_stops_the_run_and_is_not_counted_as_a_failure(settings, quiz_due, cohort, now):
    settings.EMAIL_BACKEND = "tests.reminders.test_sending_one_by_one.LimitOnThirdBackend"
    reminder_sweep(now=now)

    assert reminders_send_pending(now=now) == 2

    assert Reminder.objects.filter(status="sent").count() == 2
    in_flight = Reminder.objects.get(status="pending")
    assert in_flight.attempts == 0 and in_flight.next_attempt_at is None and in_flight.last_error == ""


def test_a_resent_email_has_the_same_message_id_and_the_same_text(quiz_due, cohort, now):
    reminder_sweep(now=now)
    student = cohort["students"][0]
    rows = list(Reminder.objects.filter(user=student))

    first, again = (build_message(user=student, kind="due_soon", reminders=rows) for _ in range(2))

    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"].startswith(f"<reminder.{rows[0].pk}.")
    assert first.body == again.body and first.alternatives == again.alternatives
    other = build_message(user=cohort["students"][1], kind="due_soon", reminders=list(Reminder.objects.filter(user=cohort["students"][1])))
    assert other.extra_headers["Message-ID"] != first.extra_headers["Message-ID"]


def test_unsubscribe_links_are_stable_and_old_timestamped_links_still_work():
    assert unsubscribe_token(user_id=7, kind="due_soon") == unsubscribe_token(user_id=7, kind="due_soon")
    old = signing.dumps({"u": 7, "k": "due_soon"}, salt=UNSUBSCRIBE_SALT, compress=True)
    assert read_unsubscribe_token(old) == (7, "due_soon")
    with pytest.raises(signing.BadSignature):
        read_unsubscribe_token(unsubscribe_token(user_id=7, kind="due_soon") + "x")


def test_the_frequent_sender_run_picks_up_a_reply_the_request_could_not_queue(monkeypatch, course, django_capture_on_commit_callbacks):
    from reminders import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.sweep_reply_emails, "delay", broker_down)
    thread = Thread.objects.filter(lesson__course=course, prompt__isnull=False).first()
    follower = EnrollmentFactory(course=course).user
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    with django_capture_on_commit_callbacks(execute=True):
        post_create(thread=thread, author=EnrollmentFactory(course=course).user, body="Réponse pendant la panne")
    assert len(mail.outbox) == 0

    # What beat runs every 5 minutes, not the hourly sweep.
    assert tasks.send_pending_reminders() == 1
    assert [m.to for m in mail.outbox] == [[follower.email]]


@pytest.mark.parametrize("students", [3, 9])
def test_each_email_costs_the_same_few_queries(quiz_due, now, students):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(students):
        EnrollmentFactory(course=quiz_due.lesson.course)
    reminder_sweep(now=now)

    with CaptureQueriesContext(connection) as queries:
        assert reminders_send_pending(now=now) == students
    # Per e-mail: savepoint pair, lock its rows, read opt-outs, mark sent, and the claim that finds the person
    # done; per run: the page of people, and the last empty claim's savepoint pair. A new query here needs a reason.
    assert len(queries) == 6 * students + 3, [q["sql"] for q in queries.captured_queries]
