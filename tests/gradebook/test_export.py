"""The CSV export: Moodle's columns, a BOM for Excel, one row per student, streamed."""

import csv
import io

import pytest
from django.http import StreamingHttpResponse
from django.urls import reverse

from gradebook.export import gradebook_csv_chunks
from gradebook.selectors import gradebook_rows
from gradebook.services import grade_override_set
from tests.gradebook.builders import answer_prompts, attempt, course_with_lessons, read, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course, instructor, lessons = course_with_lessons()
    helene = student(course, username="hcote", first_name="Hélène", last_name="Côté-Gagné", email="helene@example.org", group="A")
    bruno = student(course, username="barsenault", first_name="Bruno", last_name="Arsenault")
    return course, instructor, lessons, helene, bruno


def export(client, course):
    response = client.get(reverse("courses:gradebook:csv", kwargs={"course": course.slug}))
    return response, b"".join(response.streaming_content)


def test_export_streams_utf8_with_a_bom_and_moodle_columns(client, world):
    course, instructor, (first, second), helene, _bruno = world
    client.force_login(instructor)

    response, body = export(client, course)

    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{course.slug}-gradebook.csv"'
    assert body.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == [
        "First name", "Last name", "ID number", "Institution", "Department", "Email address",
        f"Quiz: {first.title} (Real)", f"Participation: {first.title} (Real)", f"Reading: {first.title} (Real)",
        f"Quiz: {second.title} (Real)", f"Participation: {second.title} (Real)", f"Reading: {second.title} (Real)",
        "Course total (Real)", "Course total (Letter)",
    ]


def test_export_has_one_row_per_student_with_accents_and_values(client, world):
    course, instructor, (first, _second), helene, bruno = world
    attempt(first, helene, 8)
    answer_prompts(first, helene, 3)
    read(first, helene)
    client.force_login(instructor)

    _response, body = export(client, course)

    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert sorted(row["ID number"] for row in rows) == ["barsenault", "hcote"]
    row = next(r for r in rows if r["ID number"] == "hcote")
    assert (row["First name"], row["Last name"], row["Email address"], row["Department"]) == (
        "Hélène", "Côté-Gagné", "helene@example.org", "A"
    )
    assert row[f"Quiz: {first.title} (Real)"] == "80.00"
    assert row[f"Participation: {first.title} (Real)"] == "100.00"
    assert row[f"Reading: {first.title} (Real)"] == "100.00"
    # Lesson 2 is not due: no grade yet, Moodle's dash.
    assert row["Course total (Real)"] == "86.00" and row["Course total (Letter)"] == "A"
    assert next(r for r in rows if r["ID number"] == "barsenault")["Course total (Real)"] == "0.00"


def test_export_totals_match_the_gradebook_page(world):
    course, instructor, (first, second), helene, bruno = world
    attempt(first, helene, 6)
    attempt(first, helene, 9, number=2, late=True)
    attempt(second, bruno, 5, needs_grading=True)
    answer_prompts(first, bruno, 1)
    read(second, bruno)
    grade_override_set(course=course, student=helene, item="total", value=71, reason="Entente", actor=instructor)

    page = {row.user.username: row.grade.total_so_far for row in gradebook_rows(course=course).rows}
    rows = csv.DictReader(io.StringIO("".join(gradebook_csv_chunks(course=course)).lstrip("\ufeff")))

    assert {row["ID number"]: row["Course total (Real)"] for row in rows} == {k: f"{v:.2f}" for k, v in page.items()}


def test_names_that_look_like_formulas_stay_text_in_a_spreadsheet(client, world):
    course, instructor, _lessons, _helene, _bruno = world
    student(course, username="pirate", first_name="=HYPERLINK(\"http://x\")", last_name="@SUM(A1)")
    client.force_login(instructor)

    _response, body = export(client, course)

    row = next(r for r in csv.DictReader(io.StringIO(body.decode("utf-8-sig"))) if r["ID number"] == "pirate")
    assert row["First name"].startswith("'=") and row["Last name"].startswith("'@")


def test_export_memory_does_not_hold_the_class(world, monkeypatch):
    """Rows come out a chunk of students at a time, as the cursors are read."""
    course, _instructor, _lessons, _helene, _bruno = world
    for n in range(5):
        student(course, username=f"extra{n}")
    monkeypatch.setattr("gradebook.export.STUDENTS_PER_CHUNK", 2)

    chunks = list(gradebook_csv_chunks(course=course))

    # Header, then 7 students two by two.
    assert len(chunks) == 1 + 4
    assert [chunk.count("\n") for chunk in chunks] == [1, 2, 2, 2, 1]


FORMULA_STARTS = ("=", "+", "-", "@")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_formulas_after_a_separator_stay_text_in_any_locale(client, world, delimiter):
    """Excel in French locales splits on ";": a formula hidden after any separator must not become a cell."""
    course, instructor, _lessons, _helene, _bruno = world
    student(
        course, username="pirate2", first_name='x;=HYPERLINK("http://evil.example")', last_name="a, @SUM(A1)",
        email="p@example.org", group="B\t+1\n-2\r=3",
    )
    client.force_login(instructor)

    _response, body = export(client, course)

    text = body.decode("utf-8-sig")
    assert "HYPERLINK" in text  # the name is kept, only neutralised
    for line in text.replace("\r", "\n").split("\n"):
        for cell in line.split(delimiter):
            cell = cell.strip(' "\u00a0')
            if cell == "-":  # Moodle's "no grade yet", not a formula
                continue
            assert not cell.startswith(FORMULA_STARTS), f"{cell!r} would be a formula when split on {delimiter!r}"
