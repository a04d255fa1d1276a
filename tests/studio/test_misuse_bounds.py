"""No 500 and no unbounded text from any studio form (issue 20): every free-text field has a bound
with a clear error at the bound, and NaN, Infinity and out-of-range numbers are refused by every
numeric field, before the database sees them (PostgreSQL refuses what SQLite would store)."""

import pytest

from courses.models import Enrollment
from gradebook.models import GradingScheme
from lessons.models import MAX_OBJECTIVE_LENGTH, MAX_OBJECTIVES, MAX_PROMPT_BODY_LENGTH, MAX_SUMMARY_LENGTH, DiscussionPrompt
from quizzes.models import Quiz
from tests.studio.conftest import url
from tests.studio.test_scheme_and_copy import SCHEME
from tests.studio.test_settings_lessons_people import SETTINGS, csv_upload, settings_data

LESSON = "lessons/push-pull/"


def refused(response) -> bool:
    """The form came back with an error on a field (crispy marks it is-invalid), not a 500 nor a redirect."""
    return response.status_code == 200 and "is-invalid" in response.content.decode()


def lesson_data(**changes):
    return {"title": "Push et Pull", "summary": "Un résumé.", "objectives": "Définir le Push", "is_published": "on", **changes}


def test_a_summary_at_its_bound_is_saved_and_one_character_more_is_refused(studio, prof):
    page = prof.post(url(studio, LESSON), lesson_data(summary="a" * (MAX_SUMMARY_LENGTH + 1))).content.decode()
    assert f"au plus {MAX_SUMMARY_LENGTH} caractères" in page
    studio["lesson"].refresh_from_db()
    assert studio["lesson"].summary != "a" * (MAX_SUMMARY_LENGTH + 1)

    prof.post(url(studio, LESSON), lesson_data(summary="a" * MAX_SUMMARY_LENGTH))
    studio["lesson"].refresh_from_db()
    assert studio["lesson"].summary == "a" * MAX_SUMMARY_LENGTH


@pytest.mark.parametrize("objectives", [
    "\n".join(["Un objectif"] * (MAX_OBJECTIVES + 1)),
    "o" * (MAX_OBJECTIVE_LENGTH + 1),
])
def test_too_many_or_too_long_objectives_are_refused(studio, prof, objectives):
    response = prof.post(url(studio, LESSON), lesson_data(objectives=objectives))
    assert response.status_code == 200 and "objecti" in response.content.decode().lower()
    studio["lesson"].refresh_from_db()
    assert studio["lesson"].objectives != [line for line in objectives.splitlines() if line]


def test_a_prompt_body_over_its_bound_is_refused_with_the_bound(studio, prof):
    response = prof.post(url(studio, f"{LESSON}prompts/"), {"new-title": "Long", "new-body": "x" * (MAX_PROMPT_BODY_LENGTH + 1)}, follow=True)
    assert response.status_code == 200 and not DiscussionPrompt.objects.filter(title="Long").exists()
    assert str(MAX_PROMPT_BODY_LENGTH) in response.content.decode().replace("\u202f", "").replace("\xa0", "")


BAD_NUMBERS = ["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e999", "9" * 30, "99999999999"]


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_the_scheme_page_refuses_bad_numbers_in_every_numeric_field(graded_course, value):
    course, client = graded_course
    before = GradingScheme.objects.filter(course=course).values().first()
    for field in ["quiz_weight", "participation_weight", "full_participation_percent", "late_penalty_percent"]:
        for action in ("save", "preview"):
            response = client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, field: value, action: "1"})
            assert response.status_code == 200, (field, value)
    for scale in (f"A {value}\nC 0", f"A 80\nC {value}", f"{value}"):
        for action in ("save", "preview"):
            response = client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, "letter_scale": scale, action: "1"})
            assert refused(response), (scale, action)
    assert GradingScheme.objects.filter(course=course).values().first() == before


@pytest.mark.parametrize("value", BAD_NUMBERS)
def test_quiz_settings_refuse_bad_numbers(studio, prof, value):
    for field in ("time_limit_minutes", "max_attempts"):
        response = prof.post(url(studio, SETTINGS), {**settings_data(**{field: value}), "confirm": "1"})
        assert refused(response), (field, value)
    quiz = Quiz.objects.get(pk=studio["quiz"].pk)
    assert quiz.max_attempts is None or quiz.max_attempts < 1000


def test_a_very_long_letter_scale_is_refused(graded_course):
    course, client = graded_course
    scale = "\n".join(f"L{n} {n / 10}" for n in range(1_000, 0, -1)) + "\nZ 0"
    response = client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, "letter_scale": scale, "preview": "1"})
    assert refused(response)


@pytest.mark.parametrize("line, what", [
    ("ana@example.org," + "A" * 151 + ",Roy", "prénom"),
    ("ana@example.org,Ana," + "R" * 151, "nom"),
    ("ana@example.org,Ana,Roy," + "G" * 51, "groupe"),
    ("a" * 140 + "@example.org,Ana,Roy", "adresse"),
])
def test_csv_enrolment_refuses_over_long_names_groups_and_addresses_with_their_line(studio, prof, line, what):
    text = "bob@example.org,Bob,Roy\n" + line + "\n"
    page = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload(text), "csv-role": "student", "csv-create_accounts": "on"}).content.decode()
    assert "Ligne 2" in page and what in page.lower()
    assert not Enrollment.objects.filter(course=studio["course"], user__email="bob@example.org").exists()


@pytest.fixture
def graded_course(graded):
    return graded


from tests.studio.test_scheme_and_copy import graded  # noqa: E402,F401  (the course with a graded student)
