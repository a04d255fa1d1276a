"""Two writes about one student at the same time: the second waits for the first's lock on the
standing and computes with its work committed, so the kept standing misses neither."""

import threading

import pytest
from django.db import close_old_connections, connection, transaction

from discussions.services import post_create
from gradebook.models import Standing
from lessons.services import lesson_mark_read
from tests.factories import EnrollmentFactory
from tests.gradebook.builders import course_with_lessons
from tests.gradebook.test_kept_standings import assert_kept_equals_computed, prompt_thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this on it")
@pytest.mark.django_db(transaction=True)
def test_concurrent_writes_about_one_student_both_show_in_the_standing():
    course, _instructor, (first, second) = course_with_lessons()
    learner = EnrollmentFactory(course=course).user
    first_refreshed = threading.Event()
    errors = []

    def read_then_hold():
        try:
            with transaction.atomic():
                lesson_mark_read(lesson=first, user=learner)  # refreshes (and locks) the standing
                first_refreshed.set()
                # Hold the transaction open while the other write runs: without the row lock it would
                # compute without this reading and overwrite the standing after this commit.
                threading.Event().wait(1.0)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
            first_refreshed.set()
        finally:
            close_old_connections()

    def post_meanwhile():
        try:
            first_refreshed.wait(10)
            post_create(thread=prompt_thread(second), author=learner, body="Ma réponse")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=read_then_hold), threading.Thread(target=post_meanwhile)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    standing = Standing.objects.get(course=course, user=learner)
    assert standing.items[f"reading:{first.pk}"][0] == "graded"
    assert standing.items[f"participation:{second.pk}"][0] == "graded"
    assert_kept_equals_computed(course)
