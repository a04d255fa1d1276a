"""The posting rate limit (10 a minute) holds when many replies arrive at once."""

import threading

import pytest
from django.db import close_old_connections, connection

from discussions.models import Post, Thread
from discussions.services import RATE_LIMIT_POSTS, DiscussionError, post_create
from tests.factories import EnrollmentFactory, LessonFactory


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL; CI runs this on it")
@pytest.mark.django_db(transaction=True)
def test_25_simultaneous_replies_across_threads_accept_at_most_the_limit():
    lesson = LessonFactory()
    author = EnrollmentFactory(course=lesson.course).user
    teacher = EnrollmentFactory(course=lesson.course, role="instructor").user
    threads = []
    for n in range(5):
        thread = Thread.objects.create(lesson=lesson, author=teacher, title=f"Fil {n}", last_post_at=lesson.course.created_at)
        Post.objects.create(thread=thread, author=teacher, is_opening=True, body="Question", body_html="<p>Question</p>")
        threads.append(thread)
    barrier = threading.Barrier(25)
    accepted, refused, errors = [], [], []

    def reply(n):
        try:
            barrier.wait()
            accepted.append(post_create(thread=threads[n % 5], author=author, body=f"Réponse {n}"))
        except DiscussionError:
            refused.append(n)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            close_old_connections()

    workers = [threading.Thread(target=reply, args=(n,)) for n in range(25)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert len(accepted) == RATE_LIMIT_POSTS and len(refused) == 25 - RATE_LIMIT_POSTS
    assert Post.objects.filter(author=author, is_opening=False).count() == RATE_LIMIT_POSTS
