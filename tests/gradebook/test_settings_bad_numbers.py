"""The grading-settings page (the studio's) refuses NaN, sNaN, Infinity and out-of-range minimums in the letter
scale with a form error (issue 20: a 500 before), and saves nothing."""

import pytest

from gradebook.models import GradingScheme
from tests.studio.test_scheme_and_copy import SCHEME, graded  # noqa: F401  (the course with a graded student)


@pytest.mark.parametrize("scale", ["A NaN\nC 0", "A sNaN\nC 0", "A Infinity\nC 0", "A 80\nC -Infinity", "A 1e999\nC 0", "A 101\nC 0"])
def test_the_gradebook_settings_refuse_bad_minimums(graded, scale):  # noqa: F811
    course, client = graded
    before = [scheme.letter_scale for scheme in GradingScheme.objects.filter(course=course)]
    response = client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, "letter_scale": scale, "save": "1"})
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    assert [scheme.letter_scale for scheme in GradingScheme.objects.filter(course=course)] == before
