"""A student's own progress page: standing per lesson, what is due next, how the grade is computed."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.gradebook.builders import answer_prompts, attempt, course_with_lessons, read, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course, instructor, lessons = course_with_lessons(
        lessons=3, due_in=(timedelta(days=-2), timedelta(days=5), timedelta(days=12))
    )
    me = student(course, first_name="Maëlle", last_name="Fortin")
    other = student(course, username="zquintal", first_name="Zacharie", last_name="Quintal-Zyx")
    return course, instructor, lessons, me, other


def progress(client, course, **params):
    return client.get(reverse("courses:progress", kwargs={"course": course.slug}), params)


def test_progress_shows_my_total_so_far_and_the_weights(client, world):
    course, _instructor, (first, _second, _third), me, _other = world
    read(first, me)
    attempt(first, me, 8)
    answer_prompts(first, me, 3)
    client.force_login(me)

    response = progress(client, course)

    page = response.content.decode()
    # Lesson 1 past due and complete: 0.7 × 80 + 0.2 × 100 + 0.1 × 100 = 86.
    assert str(response.context["standing"].grade.total_so_far) == "86.00"
    assert 'data-testid="total-so-far"' in page
    for weight in ("70", "20", "10"):
        assert f"<td>{weight}&nbsp;%</td>" in page
    assert 'aria-valuenow="33"' in page  # one lesson of three read


def test_due_next_lists_quizzes_not_submitted_soonest_first(client, world):
    course, _instructor, (first, second, third), me, _other = world
    attempt(second, me, 6)
    client.force_login(me)

    due = progress(client, course).context["standing"].due_next()

    # Lesson 1 is overdue and not submitted; lesson 2 is done; lesson 3 is next.
    assert [column.lesson for column in due] == [first, third]


def test_an_attempt_in_progress_is_not_a_submission(client, world):
    course, _instructor, (first, _second, _third), me, _other = world
    attempt(first, me, None, status="in_progress")
    client.force_login(me)

    due = progress(client, course).context["standing"].due_next()

    assert first in [column.lesson for column in due]


def test_my_progress_never_shows_another_students_data(client, world):
    course, _instructor, (first, _second, _third), me, other = world
    attempt(first, other, 10)
    answer_prompts(first, other, 3)
    client.force_login(me)

    for params in ({}, {"user": other.pk}, {"user_id": other.pk}):
        response = progress(client, course, **params)
        page = response.content.decode()
        assert other.last_name not in page and other.username not in page and other.first_name not in page
        assert response.context["standing"].grade.total_so_far == 0  # lesson 1 past due, nothing done


def test_pending_essay_is_shown_as_to_grade_and_left_out(client, world):
    course, _instructor, (first, _second, _third), me, _other = world
    attempt(first, me, 9, needs_grading=True)
    client.force_login(me)

    response = progress(client, course)

    assert response.context["standing"].grade.pending_count == 1
    assert "badge text-bg-info" in response.content.decode()
