"""Every form that takes free text from a person bounds it, and every numeric field refuses NaN,
Infinity and numbers out of range, with a form error rather than an exception (issue 20)."""

import pytest

from gradebook.forms import GradingSchemeForm, OverrideForm
from lti.forms import PlatformForm
from quizzes.forms import EssayGradeForm
from review.forms import ReviewSettingsForm
from studio.forms import EnrolOneForm, LessonForm, PromptForm

BAD_NUMBERS = ["NaN", "sNaN", "Infinity", "-inf", "1e999", "9" * 40]
HUGE = "x" * 200_000


@pytest.mark.parametrize("form, field, extra", [
    (LessonForm, "summary", {"title": "T"}),
    (LessonForm, "objectives", {"title": "T", "summary": "S"}),
    (LessonForm, "title", {"summary": "S"}),
    (LessonForm, "reading_markdown", {"title": "T", "summary": "S"}),
    (LessonForm, "instructor_note", {"title": "T", "summary": "S"}),
    (PromptForm, "body", {"title": "T"}),
    (PromptForm, "title", {"body": "B"}),
    (EnrolOneForm, "group", {"email": "a@example.org", "role": "student"}),
    (EssayGradeForm, "comment", {"score": "1"}),
    (OverrideForm, "reason", {"value": "10"}),
    (GradingSchemeForm, "letter_scale", {}),
])
def test_free_text_fields_are_bounded(form, field, extra):
    kwargs = {"items": [("x", "x")]} if form is OverrideForm else {}
    bound = form(data={**extra, field: HUGE}, **kwargs)
    assert not bound.is_valid() and field in bound.errors


def test_lti_deployment_ids_are_bounded(db):
    from tests.factories import EnrollmentFactory

    teacher = EnrollmentFactory(role="instructor")
    bound = PlatformForm(data={"deployment_ids": HUGE}, user=teacher.user, course=teacher.course)
    assert not bound.is_valid() and "deployment_ids" in bound.errors


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_numeric_fields_refuse_nan_infinity_and_huge_numbers(db, value):
    checks = [
        (EssayGradeForm(data={"score": value}, max_points=10), "score"),
        (OverrideForm(data={"item": "x", "value": value, "reason": "r"}, items=[("x", "x")]), "value"),
        (ReviewSettingsForm(data={"daily_cap": value}), "daily_cap"),
    ]
    for name in ("quiz_weight", "late_penalty_percent", "full_participation_percent"):
        checks.append((GradingSchemeForm(data={name: value}), name))
    for bound, field in checks:
        assert not bound.is_valid() and field in bound.errors, (type(bound).__name__, field, value)
