"""Overrides: the instructor's value wins until cleared, every change leaves an audit row."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import AuditEntry, Enrollment
from gradebook.models import GradeOverride
from gradebook.selectors import gradebook_rows, override_history
from gradebook.services import GradebookError, grade_override_clear, grade_override_set
from tests.factories import EnrollmentFactory
from tests.gradebook.builders import attempt, course_with_lessons, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course, instructor, lessons = course_with_lessons()
    alice = student(course)
    attempt(lessons[0], alice, 5)
    return course, instructor, lessons, alice


def override_lines():
    return AuditEntry.objects.filter(action__in=[AuditEntry.Action.OVERRIDE_SET, AuditEntry.Action.OVERRIDE_CLEAR])


def row_of(course, user):
    return next(row for row in gradebook_rows(course=course).rows if row.user == user)


def test_setting_an_override_wins_and_is_audited(world):
    course, instructor, (first, _second), alice = world
    key = f"quiz:{first.pk}"

    grade_override_set(course=course, student=alice, item=key, value="95", reason="Reprise autorisée", actor=instructor)

    item = row_of(course, alice).grade.items[key]
    assert item.value == Decimal("95.00") and item.computed == Decimal("50.0")
    _current, (log,) = override_history(course=course, student=alice)
    assert (log.actor, log.item_key, log.old_value, log.new_value, log.reason) == (
        instructor, key, None, Decimal("95.00"), "Reprise autorisée"
    )


def test_setting_the_same_value_again_changes_nothing(world):
    course, instructor, (first, _second), alice = world
    for _ in range(2):
        grade_override_set(course=course, student=alice, item=f"quiz:{first.pk}", value=95, reason="R", actor=instructor)

    assert GradeOverride.objects.count() == 1
    assert override_lines().count() == 1


def test_changing_an_override_logs_old_and_new_values(world):
    course, instructor, (first, _second), alice = world
    grade_override_set(course=course, student=alice, item="total", value=70, reason="A", actor=instructor)
    grade_override_set(course=course, student=alice, item="total", value="72,5", reason="B", actor=instructor)

    latest = override_history(course=course, student=alice)[1][0]
    assert (latest.old_value, latest.new_value, latest.reason) == (Decimal(70), Decimal("72.50"), "B")
    assert row_of(course, alice).grade.total_so_far == Decimal("72.50")


def test_clearing_restores_the_computed_value_once(world):
    course, instructor, (first, _second), alice = world
    key = f"reading:{first.pk}"
    grade_override_set(course=course, student=alice, item=key, value=100, reason="Lu sur papier", actor=instructor)

    assert grade_override_clear(course=course, student=alice, item=key, actor=instructor, reason="Erreur")
    assert not grade_override_clear(course=course, student=alice, item=key, actor=instructor)

    assert row_of(course, alice).grade.items[key].value == 0  # past due and not read
    assert [(e.old_value, e.new_value) for e in reversed(override_history(course=course, student=alice)[1])] == [
        (None, Decimal(100)), (Decimal(100), None)
    ]


@pytest.mark.parametrize(
    "item, value, reason",
    [("quiz:999999", 50, "r"), ("bonus", 50, "r"), ("total", 101, "r"), ("total", -1, "r"), ("total", "abc", "r"), ("total", 50, " ")],
)
def test_overrides_refuse_unknown_items_out_of_range_values_and_missing_reasons(world, item, value, reason):
    course, instructor, _lessons, alice = world

    with pytest.raises(GradebookError):
        grade_override_set(course=course, student=alice, item=item, value=value, reason=reason, actor=instructor)
    assert not GradeOverride.objects.exists() and not override_lines().exists()


def test_overrides_are_only_for_the_course_students(world):
    course, instructor, _lessons, _alice = world
    with pytest.raises(GradebookError):
        grade_override_set(course=course, student=instructor, item="total", value=50, reason="r", actor=instructor)


def test_instructor_overrides_from_the_student_page_and_the_trail_shows_it(client, world):
    course, instructor, (first, _second), alice = world
    url = reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": alice.pk})
    client.force_login(instructor)

    response = client.post(url, {"action": "set", "item": f"participation:{first.pk}", "value": "75", "reason": "Oral en classe"})

    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Oral en classe" in page
    assert GradeOverride.objects.get().value == 75

    client.post(url, {"action": "clear", "item": f"participation:{first.pk}", "reason": ""})
    assert not GradeOverride.objects.exists()
    assert override_lines().count() == 2


def test_teaching_assistants_see_but_cannot_override(client, world):
    course, _instructor, _lessons, alice = world
    url = reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": alice.pk})
    client.force_login(EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user)

    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "set", "item": "total", "value": "99", "reason": "x"}).status_code == 403
    assert not GradeOverride.objects.exists()
