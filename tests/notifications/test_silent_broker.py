"""A broker that accepts connections but never answers must not hang a page.

The listener below is a real TCP server on 127.0.0.1 that accepts and stays
silent, the way a wedged Redis or a half-open load balancer behaves. The
project's Celery app is pointed at it for the test only.
"""

import signal
import socket
import threading

import pytest
from django.core import mail
from django.urls import reverse

from discussions.models import Post, Thread
from discussions.services import post_create
from notifications.models import Notification
from tests.factories import EnrollmentFactory, LessonFactory

pytestmark = pytest.mark.django_db

# A guard, not a timing assertion: without timeouts the reply below waited for minutes.
GUARD_SECONDS = 20


class StillWaiting(BaseException):
    """Raised by the guard; a BaseException, so that no `except Exception` on the way swallows it."""


class SilentListener:
    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.server.settimeout(0.1)
        self.port = self.server.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self.stopped.is_set():
            try:
                conn, _address = self.server.accept()
            except (TimeoutError, OSError):
                continue
            self.accepted.append(conn)  # kept open, never read, never answered

    def close(self):
        self.stopped.set()
        self.thread.join(timeout=5)
        for conn in self.accepted:
            conn.close()
        self.server.close()


@pytest.fixture
def silent_broker(monkeypatch, settings):
    """The project's Celery app publishing to the silent listener; its pools are restored afterwards."""
    from coursesite.celery import app

    listener = SilentListener()
    url = f"redis://127.0.0.1:{listener.port}/0"
    app.conf.broker_url  # noqa: B018 - load the configuration before patching it
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setitem(app.conf, "broker_url", url)
    monkeypatch.setattr(app, "_pool", None)
    monkeypatch.setattr(app.amqp, "_producer_pool", None)
    # Through Django's settings only: Celery reads them lazily. Setting it on app.conf would leave the
    # value pinned there after the test, and later tests could no longer switch eager mode on.
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def too_long(signum, frame):
        raise StillWaiting(f"the request was still waiting on the silent broker after {GUARD_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(GUARD_SECONDS)
    yield listener
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)
    listener.close()


def test_a_reply_returns_saved_once_with_its_email_still_in_the_outbox(silent_broker, client, django_capture_on_commit_callbacks):
    lesson = LessonFactory()
    follower = EnrollmentFactory(course=lesson.course).user
    replier = EnrollmentFactory(course=lesson.course).user
    thread = Thread.objects.create(lesson=lesson, author=follower, title="Fil", last_post_at=lesson.course.created_at)
    Post.objects.create(thread=thread, author=follower, is_opening=True, body="Question", body_html="<p>Question</p>")
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    client.force_login(replier)
    url = reverse("courses:discussions:thread", kwargs={"course": lesson.course.slug, "thread": thread.pk})

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"body": "Réponse pendant la panne"})

    assert response.status_code == 302
    assert Post.objects.filter(body="Réponse pendant la panne").count() == 1
    pending = Notification.objects.get(user=follower)
    assert pending.emailed_at is None and "Réponse pendant la panne" in pending.body
    assert mail.outbox == []
    assert silent_broker.accepted, "the publish did reach the silent broker"


def test_healthz_reports_the_silent_broker_as_unavailable(silent_broker, client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "ok"
    assert response.json()["broker"].startswith("error")


def test_after_a_failed_publish_the_next_replies_do_not_wait_for_the_broker(silent_broker):
    from coursesite.broker import task_publish_quietly
    from reminders.tasks import sweep_reply_emails

    assert task_publish_quietly(sweep_reply_emails) is False
    reached = len(silent_broker.accepted)

    assert task_publish_quietly(sweep_reply_emails) is False
    assert len(silent_broker.accepted) == reached  # paused: the broker was not even contacted
