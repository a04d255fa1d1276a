"""Manual items in the grid, the cell endpoint, the two CSV layouts and the LTI-free paths: what the
instructor sees and gets, and in how many queries."""

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import Enrollment
from gradebook.models import ManualGrade
from gradebook.services import CategoryWeight, grade_categories_save, manual_grade_set, manual_item_save
from tests.factories import EnrollmentFactory
from tests.gradebook.builders import attempt, bulk_class, course_with_lessons, student
from tests.gradebook.test_manual_items import team_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course, instructor, lessons = course_with_lessons()
    helene = student(course, username="hcote", first_name="Hélène", last_name="Côté", email="helene@example.org", group="A")
    bruno = student(course, username="barsenault", first_name="Bruno", last_name="Arsenault")
    _category, item = team_project(course, instructor)
    return course, instructor, lessons, helene, bruno, item


def cell_url(course, item):
    return reverse("courses:gradebook:item_grade", kwargs={"course": course.slug, "item_id": item.pk})


def test_the_grid_shows_a_manual_column_with_an_input_per_student_for_the_instructor(client, world):
    course, instructor, _lessons, helene, _bruno, item = world
    manual_grade_set(item=item, student=helene, points="17.5", actor=instructor)
    client.force_login(instructor)

    page = client.get(reverse("courses:gradebook:index", kwargs={"course": course.slug}), HTTP_ACCEPT_LANGUAGE="fr")
    html = page.content.decode()

    assert "Projet d&#x27;équipe" in html
    assert html.count('class="gb-grade-input"') == 2
    assert 'value="17,5"' in html  # the points as typed in French
    assert 'name="csrfmiddlewaretoken"' in html


def test_teaching_assistants_read_manual_grades_without_inputs(client, world):
    course, instructor, _lessons, helene, _bruno, item = world
    manual_grade_set(item=item, student=helene, points="12", actor=instructor)
    client.force_login(EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user)

    html = client.get(reverse("courses:gradebook:index", kwargs={"course": course.slug})).content.decode()

    assert "gb-grade-input" not in html and ">12<" in html
    response = client.post(cell_url(course, item), {"student": helene.pk, "points": "3"})
    assert response.status_code == 403
    assert ManualGrade.objects.get(student=helene).points == Decimal("12.00")


def test_the_cell_endpoint_saves_one_grade_and_answers_with_the_new_total(client, world):
    course, instructor, _lessons, helene, _bruno, item = world
    client.force_login(instructor)

    response = client.post(cell_url(course, item), {"student": helene.pk, "points": "15,5"}, HTTP_ACCEPT_LANGUAGE="fr")

    body = json.loads(response.content)
    assert response.status_code == 200
    assert body["previous"] == "" and body["points"] == "15.5" and body["item"] == item.key
    assert body["total"].endswith("%") and body["letter"]
    # Undo is the same endpoint given the previous value back.
    client.post(cell_url(course, item), {"student": helene.pk, "points": body["previous"]})
    assert not ManualGrade.objects.filter(student=helene).exists()


def test_the_cell_endpoint_refuses_a_bad_value_with_a_message_and_saves_nothing(client, world):
    course, instructor, _lessons, helene, _bruno, item = world
    client.force_login(instructor)

    response = client.post(cell_url(course, item), {"student": helene.pk, "points": "25"})

    assert response.status_code == 400
    assert "maximum" in json.loads(response.content)["error"]
    assert not ManualGrade.objects.exists()


def test_the_cell_endpoint_only_reaches_the_courses_students_and_items(client, world):
    course, instructor, _lessons, helene, _bruno, item = world
    other_course, other_instructor, _l = course_with_lessons()
    stranger = student(other_course)
    client.force_login(instructor)

    assert client.post(cell_url(course, item), {"student": stranger.pk, "points": "1"}).status_code == 404
    assert client.post(cell_url(course, item), {"student": instructor.pk, "points": "1"}).status_code == 404
    client.force_login(other_instructor)
    url = reverse("courses:gradebook:item_grade", kwargs={"course": other_course.slug, "item_id": item.pk})
    assert client.post(url, {"student": stranger.pk, "points": "1"}).status_code == 404
    assert not ManualGrade.objects.exists()


def read_csv(client, name, course, delimiter=","):
    response = client.get(reverse(name, kwargs={"course": course.slug}))
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")
    return response, list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=delimiter))


def test_the_moodle_export_has_the_manual_items_points(client, world):
    course, instructor, _lessons, helene, _bruno, item = world
    manual_grade_set(item=item, student=helene, points="17.5", actor=instructor)
    client.force_login(instructor)

    _response, rows = read_csv(client, "courses:gradebook:csv", course)

    column = rows[0].index("Manual item: Projet d'équipe (Real)")
    by_name = {row[2]: row for row in rows[1:]}
    assert by_name["hcote"][column] == "17.50"
    assert by_name["barsenault"][column] == "-"


def test_the_french_export_uses_semicolons_decimal_commas_and_french_headers(client, world):
    course, instructor, lessons, helene, _bruno, item = world
    attempt(lessons[0], helene, 7)
    manual_grade_set(item=item, student=helene, points="17.5", actor=instructor)
    client.force_login(instructor)

    response, rows = read_csv(client, "courses:gradebook:csv_fr", course, delimiter=";")

    assert response["Content-Disposition"] == f'attachment; filename="{course.slug}-notes.csv"'
    header = rows[0]
    assert header[:6] == ["Prénom", "Nom", "Nom d’utilisateur", "Établissement", "Groupe", "Adresse courriel"]
    assert f"Test : {lessons[0].title} (%)" in header
    assert header[-3:] == ["Projet d'équipe (sur 20)", "Total du cours (%)", "Total du cours (lettre)"]
    helene_row = next(row for row in rows[1:] if row[2] == "hcote")
    assert helene_row[header.index("Projet d'équipe (sur 20)")] == "17,50"
    assert helene_row[header.index(f"Test : {lessons[0].title} (%)")] == "70,00"
    assert "," in helene_row[-2] and "." not in helene_row[-2]
    bruno_row = next(row for row in rows[1:] if row[2] == "barsenault")
    assert bruno_row[header.index("Projet d'équipe (sur 20)")] == ""  # no grade: an empty cell, not a dash


def class_with_manual_items(size):
    course, instructor, lessons = course_with_lessons(lessons=5, due_in=[timedelta(days=d) for d in (-14, -7, 0, 7, 14)])
    users = bulk_class(course, lessons, size)
    (category,) = grade_categories_save(
        course=course, actor=instructor, quiz_weight=50, participation_weight=20, reading_weight=10,
        categories=[CategoryWeight(title="Projet d'équipe", weight=20)],
    )
    project = manual_item_save(course=course, actor=instructor, title="Projet d'équipe", category=f"custom:{category.pk}", max_points="20")
    exam = manual_item_save(course=course, actor=instructor, title="Examen final", category="quiz", max_points="100", weight=2)
    ManualGrade.objects.bulk_create(
        [ManualGrade(item=project, student=u, points=Decimal(n % 21)) for n, u in enumerate(users)]
        + [ManualGrade(item=exam, student=u, points=Decimal(n % 101)) for n, u in enumerate(users[::2])]
    )
    from tests.gradebook.builders import kept_up
    kept_up(course)
    return course, instructor, users


@pytest.mark.parametrize("size", [10, 150])
def test_the_grid_with_manual_items_runs_a_constant_number_of_queries(client, django_assert_num_queries, size):
    course, instructor, users = class_with_manual_items(size)
    client.force_login(instructor)
    url = reverse("courses:gradebook:index", kwargs={"course": course.slug})

    # Session, user, enrolment+course, scheme (which says the course has manual items), lessons, the quizzes'
    # exceptions (overrides, extra time), manual items, stale standings (none), count, page, groups, the header's
    # notifications: one more than without manual
    # items (tests/gradebook/test_gradebook_pages.py); sorting by a manual item is done by the database too.
    for params in ({}, {"sort": "-manual:%d" % course.manual_items.get(title="Examen final").pk}, {"compact": "1"}):
        with django_assert_num_queries(12):
            response = client.get(url, params)
        assert response.status_code == 200
        assert response.content.decode().count('class="gb-grade-input"') == 2 * min(size, 100)

    for name in ("courses:gradebook:csv", "courses:gradebook:csv_fr"):
        with django_assert_num_queries(9):  # one more than without manual items, as the grid
            response = client.get(reverse(name, kwargs={"course": course.slug}))
            lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        assert len(lines) == size + 1


def test_sorting_by_a_manual_item_puts_empty_cells_last(client, world):
    course, instructor, _lessons, helene, bruno, item = world
    manual_grade_set(item=item, student=bruno, points="3", actor=instructor)
    manual_grade_set(item=item, student=helene, points="19", actor=instructor)
    third = student(course, last_name="Zed")
    client.force_login(instructor)

    table = client.get(reverse("courses:gradebook:index", kwargs={"course": course.slug}), {"sort": f"-{item.key}"}).context["table"]

    assert [row.user for row, _cells in table] == [helene, bruno, third]


def test_the_compact_toggle_lives_in_the_url_and_keeps_the_filters(client, world):
    course, instructor, *_rest = world
    client.force_login(instructor)
    url = reverse("courses:gradebook:index", kwargs={"course": course.slug})

    html = client.get(url, {"sort": "-total", "compact": "1"}).content.decode()

    assert "gb-compact" in html
    assert 'href="?sort=-total" data-testid="compact-toggle"' in html
    assert 'href="?sort=-total&amp;compact=1" data-testid="compact-toggle"' in client.get(url, {"sort": "-total"}).content.decode()


def test_the_student_sees_their_manual_grades_and_the_courses_own_category_on_the_progress_page(client, world):
    course, instructor, _lessons, helene, bruno, item = world
    manual_grade_set(item=item, student=helene, points="17.5", actor=instructor)
    manual_grade_set(item=item, student=bruno, points="4", actor=instructor)
    client.force_login(helene)

    html = client.get(reverse("courses:progress", kwargs={"course": course.slug}), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "17,5 / 20 (87,5" in html
    assert "4 / 20" not in html  # only one's own
    assert "Projet d&#x27;équipe</th><td>20&nbsp;%</td><td>87,50" in html
