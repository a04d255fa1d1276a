"""A student's own due date (an override, `quizzes.dates`) decides when their work counts as « missing »."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.services import enrollment_update
from gradebook.models import Standing
from gradebook.selectors import frame_fingerprint, gradebook_frame, gradebook_rows, student_fingerprint, student_standing
from gradebook.standings import stale_student_ids, standings_fresh_frame
from quizzes.models import Quiz
from quizzes.services import quiz_override_delete, quiz_override_save
from tests.gradebook.builders import course_with_lessons, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    # Lesson 1's quiz fell due yesterday, lesson 2's is due in a week.
    course, instructor, (first, second) = course_with_lessons(due_in=(timedelta(days=-1), timedelta(days=7)))
    ann, bob = student(course, group="A"), student(course, group="B")
    return course, instructor, first, second, ann, bob


def quiz_state(course, user, lesson, now=None):
    row = next(r for r in gradebook_rows(course=course, now=now).rows if r.user.pk == user.pk)
    return row.grade.items[f"quiz:{lesson.pk}"].state


def kept_state(course, user, lesson, now=None):
    standings_fresh_frame(course=course, now=now)
    return Standing.objects.get(course=course, user=user).items[f"quiz:{lesson.pk}"][0]


def test_a_student_with_a_later_due_date_is_not_missing_before_it(world):
    course, _instructor, first, _second, ann, bob = world
    quiz = Quiz.objects.get(lesson=first)
    quiz_override_save(quiz=quiz, user=ann, due_at=timezone.now() + timedelta(days=3))
    assert quiz_state(course, ann, first) == "not_due"
    assert quiz_state(course, bob, first) == "missing"
    # The kept standing (the grid, the CSV) says the same, refreshed in the override's own transaction.
    assert Standing.objects.get(course=course, user=ann).items[f"quiz:{first.pk}"][0] == "not_due"
    # Once their own date passes, it is missing too, on the next read.
    later = timezone.now() + timedelta(days=4)
    assert quiz_state(course, ann, first, now=later) == "missing"
    assert kept_state(course, ann, first, now=later) == "missing"


def test_a_group_override_covers_its_members_and_a_group_change_follows(world):
    course, instructor, first, _second, ann, bob = world
    quiz_override_save(quiz=Quiz.objects.get(lesson=first), group="B", due_at=timezone.now() + timedelta(days=2))
    assert kept_state(course, bob, first) == "not_due" and kept_state(course, ann, first) == "missing"
    enrollment_update(enrollment=ann.enrollments.get(course=course), by=instructor, group="B")
    assert kept_state(course, ann, first) == "not_due"


def test_removing_an_override_makes_the_work_missing_again(world):
    course, _instructor, first, _second, ann, _bob = world
    override, _changes, _students = quiz_override_save(quiz=Quiz.objects.get(lesson=first), user=ann, due_at=timezone.now() + timedelta(days=3))
    assert kept_state(course, ann, first) == "not_due"
    quiz_override_delete(override=override)
    assert kept_state(course, ann, first) == "missing"


def test_only_the_student_whose_own_date_passes_goes_stale(world):
    course, _instructor, first, _second, ann, bob = world
    quiz_override_save(quiz=Quiz.objects.get(lesson=first), user=ann, due_at=timezone.now() + timedelta(days=3))
    now, later = gradebook_frame(course=course), gradebook_frame(course=course, now=timezone.now() + timedelta(days=4))
    assert stale_student_ids(course=course, fingerprint=frame_fingerprint(now), frame=now) == []
    assert stale_student_ids(course=course, fingerprint=frame_fingerprint(later), frame=later) == [ann.pk]
    assert student_fingerprint(now, bob.pk) == frame_fingerprint(now) != student_fingerprint(now, ann.pk)


def test_the_progress_page_and_student_page_show_the_students_own_due_date(client, world):
    course, instructor, first, _second, ann, _bob = world
    own = timezone.now() + timedelta(days=3)
    quiz_override_save(quiz=Quiz.objects.get(lesson=first), user=ann, due_at=own)
    standing = student_standing(course=course, user=ann)
    assert [c.quiz_due_at for c in standing.due_next()][0] == own
    client.force_login(ann)
    assert client.get(reverse("courses:progress", kwargs={"course": course.slug})).status_code == 200
    client.force_login(instructor)
    page = client.get(reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": ann.pk}))
    assert page.status_code == 200
