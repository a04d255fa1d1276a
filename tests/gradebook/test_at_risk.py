"""Students at risk: a week without activity, or under 60 % once work is past due."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Enrollment
from gradebook.selectors import RiskReason, students_at_risk
from gradebook.standings import standings_fresh_frame
from tests.gradebook.builders import answer_prompts, attempt, course_with_lessons, kept_up, read, student

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def enrolled_days_ago(course, user, days):
    Enrollment.objects.filter(course=course, user=user).update(created_at=NOW - timedelta(days=days))
    kept_up(course, user)


def reasons(course, user):
    return next((row.risk_reasons for row in students_at_risk(course=course, frame=standings_fresh_frame(course=course, now=NOW)) if row.user == user), ())


@pytest.fixture
def quiet_course():
    """Nothing past due yet, so only inactivity can flag anyone."""
    course, _instructor, lessons = course_with_lessons(due_in=(timedelta(days=3), timedelta(days=10)))
    return course, lessons


def test_no_activity_for_a_week_flags_a_student(quiet_course):
    course, _lessons = quiet_course
    idle = student(course)
    enrolled_days_ago(course, idle, 10)

    assert reasons(course, idle) == (RiskReason.INACTIVE,)


def test_a_new_student_is_not_idle_yet(quiet_course):
    course, _lessons = quiet_course
    newcomer = student(course)
    enrolled_days_ago(course, newcomer, 2)

    assert reasons(course, newcomer) == ()


@pytest.mark.parametrize("activity", ["read", "attempt", "in_progress_save", "post", "login"])
def test_any_recent_activity_counts(quiet_course, activity):
    course, (first, _second) = quiet_course
    active = student(course)
    enrolled_days_ago(course, active, 30)
    recent = NOW - timedelta(days=3)
    if activity == "read":
        read(first, active, when=recent)
    elif activity == "attempt":
        attempt(first, active, 5, when=recent)
    elif activity == "in_progress_save":
        from quizzes.models import Question, Response

        open_attempt = attempt(first, active, None, status="in_progress", when=NOW - timedelta(days=20))
        Response.objects.create(attempt=open_attempt, question=Question.objects.filter(quiz__lesson=first).first(), answer="x", saved_at=recent)
    elif activity == "post":
        answer_prompts(first, active, 1, when=recent)
    else:
        get_user_model().objects.filter(pk=active.pk).update(last_login=recent)
    kept_up(course, active)

    assert reasons(course, active) == ()


def test_old_activity_does_not_count(quiet_course):
    course, (first, _second) = quiet_course
    faded = student(course)
    enrolled_days_ago(course, faded, 30)
    read(first, faded, when=NOW - timedelta(days=9))
    attempt(first, faded, 5, when=NOW - timedelta(days=8))

    assert reasons(course, faded) == (RiskReason.INACTIVE,)


def test_under_60_with_work_past_due_flags_a_student():
    course, _instructor, (first, _second) = course_with_lessons(due_in=(timedelta(days=-1), timedelta(days=6)))
    weak, steady = student(course), student(course)
    for user in (weak, steady):
        read(first, user)
        attempt(first, user, 5)
    answer_prompts(first, steady, 3)

    # Lesson 1 is past due. Weak: 0.7 × 50 + 0.2 × 0 + 0.1 × 100 = 45 < 60.
    assert reasons(course, weak) == (RiskReason.LOW_TOTAL,)
    # Steady: 0.7 × 50 + 0.2 × 100 + 0.1 × 100 = 65.
    assert reasons(course, steady) == ()


def test_a_low_total_before_anything_is_due_is_not_a_risk_yet(quiet_course):
    course, (first, _second) = quiet_course
    early = student(course)
    attempt(first, early, 2)

    assert reasons(course, early) == ()
