"""The grading scheme: defaults, rules kept by the database, and the settings service."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from gradebook.models import GradingScheme
from gradebook.selectors import gradebook_frame
from gradebook.services import GradebookError, grading_scheme_update
from tests.factories import CourseFactory
from tests.gradebook.builders import course_with_lessons

pytestmark = pytest.mark.django_db


def test_defaults_apply_before_any_scheme_is_saved():
    course = CourseFactory()

    scheme = gradebook_frame(course=course).scheme

    assert (scheme.quiz_weight, scheme.participation_weight, scheme.reading_weight) == (70, 20, 10)
    assert (scheme.full_participation_percent, scheme.replies_only_percent, scheme.late_penalty_percent) == (100, 50, 0)
    assert [g.letter for g in scheme.letters][:3] == ["A+", "A", "A-"]
    assert not GradingScheme.objects.exists()


def test_the_settings_page_shows_the_defaults_before_the_first_save_and_writes_nothing(client):
    course, instructor, _lessons = course_with_lessons(lessons=1)
    client.force_login(instructor)

    page = client.get(reverse("courses:gradebook:settings", kwargs={"course": course.slug}), follow=True).content.decode()

    assert 'name="quiz_weight" value="70"' in page
    assert not GradingScheme.objects.filter(course=course).exists()


@pytest.mark.parametrize(
    "values",
    [
        {"quiz_weight": 70, "participation_weight": 20, "reading_weight": 20},
        {"quiz_weight": 120, "participation_weight": 0, "reading_weight": -20},
        {"late_penalty_percent": Decimal("101")},
        {"replies_only_percent": 101},
    ],
    ids=["sum over 100", "weight out of range", "penalty over 100", "credit over 100"],
)
def test_the_database_refuses_schemes_that_break_the_rules(values):
    course = CourseFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        GradingScheme.objects.create(course=course, **values)


def test_update_checks_the_weights_and_the_letter_scale():
    course = CourseFactory()

    with pytest.raises(GradebookError):
        grading_scheme_update(course=course, quiz_weight=80)
    with pytest.raises(GradebookError):
        grading_scheme_update(course=course, letter_scale=[{"letter": "A", "min": 50}])
    scheme = grading_scheme_update(course=course, quiz_weight=60, reading_weight=20, late_penalty_percent=Decimal("12.5"))

    assert (scheme.quiz_weight, scheme.participation_weight, scheme.reading_weight) == (60, 20, 20)
    assert gradebook_frame(course=course).scheme.late_penalty_percent == Decimal("12.5")
