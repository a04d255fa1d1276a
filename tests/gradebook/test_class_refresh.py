"""A change that every student's grade depends on (the scheme, a quiz's due date) in a big class: the request
only marks the class stale and queues the refresh, workers do it in batches, and the gradebook shows the
progress, never a grid where some totals follow the old rules and some the new (decision 0023).

The class is "big" here by lowering the limits (2 students inline, batches of 2) rather than by creating
thousands of students; `bench/scheme_change.py` measures the real size.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from gradebook import standings
from gradebook.models import Standing
from gradebook.selectors import gradebook_frame, gradebook_rows
from gradebook.selectors.frame import frame_fingerprint
from gradebook.selectors.standings import grade_from_standing
from gradebook.services import grading_scheme_update
from gradebook.tasks import refresh_course_standings, refresh_stale_standings, refresh_standings_batch
from quizzes.models import Quiz
from studio.services import studio_quiz_settings_update
from tests.gradebook.builders import attempt, course_with_lessons, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def big_class(monkeypatch):
    monkeypatch.setattr(standings, "INLINE_REFRESH_LIMIT", 2)
    monkeypatch.setattr(standings, "REFRESH_BATCH", 2)
    course, instructor, lessons = course_with_lessons()
    students = [student(course, last_name=f"Élève{n}") for n in range(5)]
    for n, user in enumerate(students):
        attempt(lessons[0], user, score=n * 2)
    return course, instructor, lessons, students


@pytest.fixture
def published(monkeypatch):
    """The class refreshes the requests asked for (course ids), instead of a broker."""
    asked = []
    monkeypatch.setattr(standings, "_publish_class_refresh", lambda *, course_id: asked.append(course_id) or True)
    return asked


def fingerprints(course) -> set[str]:
    return set(Standing.objects.filter(course=course).values_list("fingerprint", flat=True))


def assert_every_standing_follows_the_current_rules(course):
    frame = gradebook_frame(course=course)
    computed = {row.user.pk: row.grade for row in gradebook_rows(course=course, frame=frame).rows}
    kept = {s.user_id: s for s in Standing.objects.filter(course=course)}
    assert set(kept) == set(computed)
    for user_id, grade in computed.items():
        assert kept[user_id].fingerprint == frame_fingerprint(frame)
        assert grade_from_standing(kept[user_id]) == grade


def gradebook(client, course):
    return client.get(reverse("courses:gradebook:index", kwargs={"course": course.slug}))


def test_a_scheme_change_in_a_big_class_queues_the_refresh_and_the_gradebook_shows_its_progress(
    client, big_class, published, django_capture_on_commit_callbacks
):
    course, instructor, _lessons, _students = big_class
    before = fingerprints(course)
    with django_capture_on_commit_callbacks(execute=True):
        grading_scheme_update(course=course, quiz_weight=40, participation_weight=30, reading_weight=30)
    assert fingerprints(course) == before  # nothing recomputed inside the request
    assert published == [course.pk]

    client.force_login(instructor)
    response = gradebook(client, course)
    assert response.status_code == 200
    assert "gradebook/refreshing.html" in [t.name for t in response.templates]
    assert "(0/5)" in response.content.decode()
    assert "table" not in response.context  # no grid while old and new totals would sit side by side

    batches = standings.standings_refresh_batches(course=course)
    assert [len(b) for b in batches] == [2, 2, 1]
    refresh_standings_batch(course.pk, batches[0])
    response = gradebook(client, course)
    assert "(2/5)" in response.content.decode()
    gradebook(client, course)
    assert published == [course.pk]  # the reads (on any node: the mark is in the shared cache) did not queue it again

    for batch in batches[1:]:
        refresh_standings_batch(course.pk, batch)
    response = gradebook(client, course)
    assert response.context["class_size"] == 5
    assert_every_standing_follows_the_current_rules(course)


def test_the_export_waits_for_the_refresh(client, big_class, published):
    course, instructor, _lessons, _students = big_class
    grading_scheme_update(course=course, late_penalty_percent=10)
    client.force_login(instructor)
    response = client.get(reverse("courses:gradebook:csv", kwargs={"course": course.slug}))
    assert response.status_code == 302
    assert response.url == reverse("courses:gradebook:index", kwargs={"course": course.slug})


def test_the_workers_share_the_class_out_in_batches_and_a_redelivered_batch_does_only_what_is_left(big_class, settings):
    course, _instructor, _lessons, students = big_class
    settings.CELERY_TASK_ALWAYS_EAGER = True  # .delay runs the batches here, as the workers would
    grading_scheme_update(course=course, letter_scale=[{"letter": "Réussi", "min": 50}, {"letter": "Échec", "min": 0}])
    assert refresh_course_standings(course.pk) == 3
    assert_every_standing_follows_the_current_rules(course)
    # A worker killed after its commit gets the same batch again: nothing left to do.
    assert refresh_standings_batch(course.pk, [u.pk for u in students[:2]]) == 0
    assert refresh_course_standings(course.pk) == 0


def test_a_small_class_follows_a_scheme_change_in_the_same_request(monkeypatch, published):
    monkeypatch.setattr(standings, "INLINE_REFRESH_LIMIT", 10)
    course, _instructor, lessons = course_with_lessons()
    for n in range(3):
        attempt(lessons[0], student(course), score=n * 3)
    grading_scheme_update(course=course, quiz_weight=50, participation_weight=25, reading_weight=25)
    assert_every_standing_follows_the_current_rules(course)
    assert published == []


def test_a_quiz_due_date_change_recomputes_no_standing_inside_the_request(
    client, big_class, published, django_capture_on_commit_callbacks
):
    course, instructor, lessons, _students = big_class
    quiz = Quiz.objects.get(lesson=lessons[1])
    before = fingerprints(course)
    with django_capture_on_commit_callbacks(execute=True):
        studio_quiz_settings_update(quiz=quiz, actor=instructor, due_at=timezone.now() + timedelta(days=14))
    assert fingerprints(course) == before
    assert published == [course.pk]
    # Changing what no grade depends on queues nothing.
    with django_capture_on_commit_callbacks(execute=True):
        studio_quiz_settings_update(quiz=quiz, actor=instructor, max_attempts=3)
    assert published == [course.pk]


def test_a_down_broker_delays_the_refresh_and_the_periodic_task_finishes_it(
    client, big_class, monkeypatch, django_capture_on_commit_callbacks
):
    course, instructor, _lessons, _students = big_class
    tries = []

    def broker_down(*args, **kwargs):
        tries.append(args)
        raise ConnectionError("broker down")

    monkeypatch.setattr(refresh_course_standings, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        grading_scheme_update(course=course, quiz_weight=90, participation_weight=5, reading_weight=5)
    assert tries == [(course.pk,)]
    client.force_login(instructor)
    assert "(0/5)" in gradebook(client, course).content.decode()  # the page still answers, with the progress

    assert refresh_stale_standings() == 5
    assert_every_standing_follows_the_current_rules(course)
    assert gradebook(client, course).context["class_size"] == 5


def test_the_progress_page_runs_a_constant_number_of_queries(client, big_class, published, django_assert_num_queries):
    course, instructor, _lessons, _students = big_class
    grading_scheme_update(course=course, late_penalty_percent=5)
    client.force_login(instructor)
    # Session, user, enrolment+course, scheme, lessons, stale standings, class size, the header's notifications.
    with django_assert_num_queries(9):
        response = gradebook(client, course)
    assert "(0/5)" in response.content.decode()
