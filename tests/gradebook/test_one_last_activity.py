"""One rule for "last activity": the students the reminders nudge as inactive are exactly those the
gradebook flags as inactive, whatever kind of activity they had."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Enrollment
from gradebook.selectors import RiskReason, students_at_risk
from gradebook.standings import standings_fresh_frame
from quizzes.models import Question, Response
from reminders.sweeps import Decisions, sweep_inactivity
from tests.gradebook.builders import answer_prompts, attempt, course_with_lessons, kept_up, read, student

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def days_ago(days):
    return NOW - timedelta(days=days)


@pytest.fixture
def cohort():
    """Students enrolled a month ago (unless said otherwise), each with one kind of activity."""
    course, _instructor, (first, _second) = course_with_lessons(due_in=(timedelta(days=3), timedelta(days=10)))
    people = {}

    def person(name, enrolled_days_ago=30):
        user = student(course, last_name=name)
        Enrollment.objects.filter(course=course, user=user).update(created_at=days_ago(enrolled_days_ago))
        people[name] = user
        return user

    person("Silence")
    person("Nouvelle", enrolled_days_ago=2)
    read(first, person("Lectrice"), when=days_ago(3))
    read(first, person("Ancienne"), when=days_ago(10))
    answer_prompts(first, person("Bavarde"), 1, when=days_ago(2))
    get_user_model().objects.filter(pk=person("Connectee").pk).update(last_login=days_ago(1))
    attempt(first, person("Remise"), 7, when=days_ago(4))
    # An attempt started three weeks ago and still open, answered two days ago: active.
    open_attempt = attempt(first, person("Brouillon"), None, status="in_progress", when=days_ago(21))
    Response.objects.create(
        attempt=open_attempt, question=Question.objects.filter(quiz__lesson=first).first(), answer="x", saved_at=days_ago(2)
    )
    # Only a preview (an instructor's trial mode): not a student's activity.
    preview = attempt(first, person("Apercu"), 5, when=days_ago(1))
    preview.is_preview = True
    preview.save(update_fields=["is_preview"])
    kept_up(course)
    return course, people


def nudged(course) -> set[int]:
    decisions = Decisions()
    sweep_inactivity(now=NOW, decisions=decisions)
    return {row.user_id for row in decisions.rows if row.object_key == f"course:{course.pk}"}


def flagged(course) -> set[int]:
    return {row.user.pk for row in students_at_risk(course=course, frame=standings_fresh_frame(course=course, now=NOW)) if RiskReason.INACTIVE in row.risk_reasons}


def test_the_reminders_nudge_exactly_the_students_the_gradebook_flags(cohort):
    course, people = cohort
    idle = {people[name].pk for name in ("Silence", "Ancienne", "Apercu")}

    assert flagged(course) == idle
    assert nudged(course) == idle


def test_an_answer_saved_in_an_open_attempt_is_activity_for_both(cohort):
    course, people = cohort
    assert people["Brouillon"].pk not in nudged(course) | flagged(course)


def test_a_preview_attempt_is_activity_for_neither(cohort):
    course, people = cohort
    assert people["Apercu"].pk in nudged(course) & flagged(course)


def test_a_recent_enrolment_is_not_idleness_for_either(cohort):
    course, people = cohort
    assert people["Nouvelle"].pk not in nudged(course) | flagged(course)
