import pytest
from django.core import mail
from kombu.exceptions import OperationalError

from discussions.models import Post, Thread
from discussions.services import post_create
from notifications.models import Notification
from reminders.models import Reminder
from reminders.services import reminder_sweep
from tests.factories import EnrollmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(course):
    return Thread.objects.filter(lesson__course=course, prompt__isnull=False).first()


def test_reply_queues_the_email_after_commit_in_the_followers_language(settings, course, thread, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    follower = EnrollmentFactory(course=course).user
    follower.preferred_language = "en"
    follower.save()
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    replier = EnrollmentFactory(course=course).user

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_create(thread=thread, author=replier, body="Une réponse")
    assert len(mail.outbox) == 0  # nothing is sent before the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert [m.to for m in mail.outbox] == [[follower.email]]
    assert mail.outbox[0].subject.startswith("New reply in")
    assert "Une réponse" in mail.outbox[0].body
    assert Notification.objects.get(user=follower).emailed_at is not None


def test_replies_in_the_same_thread_make_one_email_an_hour(settings, course, thread, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    follower = EnrollmentFactory(course=course).user
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            post_create(thread=thread, author=EnrollmentFactory(course=course).user, body=f"Réponse {n}")

    assert len([m for m in mail.outbox if m.to == [follower.email]]) == 1
    # The later replies wait in the outbox for the next hour.
    assert Notification.objects.filter(user=follower, emailed_at__isnull=True).count() == 2
    assert Reminder.objects.filter(user=follower, kind="replies").count() == 1


def test_a_broker_that_is_down_delays_the_email_but_keeps_the_post(monkeypatch, course, thread, django_capture_on_commit_callbacks):
    from reminders import tasks

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:1. Connection refused.")

    monkeypatch.setattr(tasks.sweep_reply_emails, "delay", broker_down)
    monkeypatch.setattr(tasks.send_pending_reminders, "delay", broker_down)
    follower = EnrollmentFactory(course=course).user
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    replier = EnrollmentFactory(course=course).user

    with django_capture_on_commit_callbacks(execute=True):
        post_create(thread=thread, author=replier, body="Réponse malgré la panne")

    assert Post.objects.filter(body="Réponse malgré la panne").exists()
    assert Notification.objects.get(user=follower).emailed_at is None and len(mail.outbox) == 0

    from reminders.services import reminders_send_pending

    reminder_sweep()
    assert reminders_send_pending() == 1
    assert reminders_send_pending() == 0  # sent once only
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [follower.email]


def test_notifications_page_lists_and_marks_read(client, course, thread):
    follower = EnrollmentFactory(course=course).user
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    post_create(thread=thread, author=EnrollmentFactory(course=course).user, body="Réponse")
    client.force_login(follower)

    page = client.get("/notifications/").content.decode()
    assert "Nouvelle réponse dans" in page

    client.post("/notifications/read/")
    assert not Notification.objects.filter(user=follower, read_at__isnull=True).exists()
    assert 'data-testid="notification-badge"' not in client.get("/notifications/").content.decode()
