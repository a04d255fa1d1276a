"""The instructor's gradebook pages: who may open them, what they show, and in how many queries."""

from datetime import timedelta

import pytest
from django.urls import reverse

from courses.models import AuditEntry, Enrollment
from gradebook.selectors import gradebook_rows
from tests.factories import EnrollmentFactory, UserFactory
from tests.gradebook.builders import answer_prompts, attempt, bulk_class, course_with_lessons, read, student

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    course, instructor, lessons = course_with_lessons()
    alice = student(course, first_name="Hélène", last_name="Côté", group="A")
    bob = student(course, first_name="Bruno", last_name="Arsenault", group="B")
    return course, instructor, lessons, alice, bob


def staff_urls(course, lesson, someone):
    return [
        reverse("courses:gradebook:index", kwargs={"course": course.slug}),
        reverse("courses:gradebook:csv", kwargs={"course": course.slug}),
        reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": someone.pk}),
        reverse("courses:gradebook:quiz", kwargs={"course": course.slug, "lesson": lesson.slug}),
    ]


def test_students_get_403_on_every_gradebook_page(client, world):
    course, _instructor, lessons, alice, bob = world
    client.force_login(alice)

    for url in staff_urls(course, lessons[0], bob) + [reverse("courses:gradebook:settings", kwargs={"course": course.slug})]:
        assert client.get(url).status_code == 403, url


def test_people_not_enrolled_get_404_on_every_gradebook_page(client, world):
    course, _instructor, lessons, alice, _bob = world
    client.force_login(EnrollmentFactory(role=Enrollment.Role.INSTRUCTOR).user)  # teaches another course

    for url in staff_urls(course, lessons[0], alice):
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("role", [Enrollment.Role.TEACHING_ASSISTANT, Enrollment.Role.INSTRUCTOR])
def test_teaching_staff_open_every_gradebook_page(client, world, role):
    course, _instructor, lessons, alice, _bob = world
    client.force_login(EnrollmentFactory(course=course, role=role).user)

    for url in staff_urls(course, lessons[0], alice):
        assert client.get(url).status_code == 200, url


def test_only_instructors_edit_the_grading_scheme(client, world):
    course, instructor, _lessons, _alice, _bob = world
    url = reverse("courses:gradebook:settings", kwargs={"course": course.slug})
    client.force_login(EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user)
    assert client.get(url).status_code == 403

    client.force_login(instructor)
    assert client.get(url).status_code == 200


def test_student_page_of_someone_who_is_not_a_student_of_the_course_is_404(client, world):
    course, instructor, _lessons, _alice, _bob = world
    client.force_login(instructor)
    stranger = UserFactory()

    for user in (stranger, instructor):
        url = reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": user.pk})
        assert client.get(url).status_code == 404


def test_gradebook_shows_one_row_per_student_with_cells_total_and_letter(client, world):
    course, instructor, (first, second), alice, bob = world
    read(first, alice)
    attempt(first, alice, 8)
    answer_prompts(first, alice, 3)
    client.force_login(instructor)

    response = client.get(reverse("courses:gradebook:index", kwargs={"course": course.slug}))

    page = response.content.decode()
    assert response.status_code == 200
    rows = {row.user.username: row for row, _cells in response.context["table"]}
    assert set(rows) == {alice.username, bob.username}
    # Alice, lesson 1 (past due): quiz 80, participation 100, read 100 → 0.7×80 + 0.2×100 + 0.1×100 = 86.
    assert str(rows[alice.username].grade.total_so_far) == "86.00"
    assert rows[alice.username].grade.letter == "A"
    # Bob has nothing and lesson 1 is past due: everything 0 so far.
    assert str(rows[bob.username].grade.total_so_far) == "0.00"
    assert "Côté, Hélène" in page and 'class="gb-sticky-col"' in page
    assert reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": alice.pk}) in page
    assert reverse("courses:gradebook:quiz", kwargs={"course": course.slug, "lesson": second.slug}) in page


def test_gradebook_sorts_by_any_column_with_empty_values_last(client, world):
    course, instructor, (_first, second), alice, bob = world
    carol = student(course, last_name="Zed")
    attempt(second, alice, 9)
    attempt(second, bob, 4)
    client.force_login(instructor)
    url = reverse("courses:gradebook:index", kwargs={"course": course.slug})

    def order(sort):
        return [row.user for row, _cells in client.get(url, {"sort": sort}).context["table"]]

    # Lesson 2 is not due: Carol's quiz is empty, not 0, and stays last both ways.
    assert order(f"-quiz:{second.pk}") == [alice, bob, carol]
    assert order(f"quiz:{second.pk}") == [bob, alice, carol]
    assert order("name") == [bob, alice, carol]  # Arsenault, Côté, Zed
    assert order("-total")[0] == alice
    attempt(second, bob, 6, number=2, needs_grading=True)
    # Everyone is under 60 % with lesson 1 past due; Bob also has an essay to grade.
    assert order("-flags")[0] == bob


def test_gradebook_filters_by_group_search_to_grade_and_risk(client, world):
    course, instructor, (first, _second), alice, bob = world
    attempt(first, bob, 5, needs_grading=True)
    read(first, alice)
    client.force_login(instructor)
    url = reverse("courses:gradebook:index", kwargs={"course": course.slug})

    def users(**params):
        return [row.user for row, _cells in client.get(url, params).context["table"]]

    assert users(group="A") == [alice]
    assert users(q="helene cote") == [alice]  # accents and case do not matter
    assert users(to_grade="1") == [bob]
    # Both are under 60 % with lesson 1 past due.
    assert set(users(risk="1")) == {alice, bob}


def test_student_detail_lists_attempts_posts_and_last_activity(client, world):
    course, instructor, (first, _second), alice, _bob = world
    done = attempt(first, alice, 7, late=True)
    post = answer_prompts(first, alice, 1)[0]
    client.force_login(instructor)

    response = client.get(reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": alice.pk}))

    page = response.content.decode()
    assert reverse("courses:quizzes:result", kwargs={"course": course.slug, "attempt": done.pk}) in page
    assert reverse("courses:discussions:thread", kwargs={"course": course.slug, "thread": post.thread_id}) in page
    assert response.context["standing"].last_activity is not None


def test_course_page_links_staff_to_the_gradebook(client, world):
    course, instructor, _lessons, alice, _bob = world
    url = reverse("courses:detail", kwargs={"course": course.slug})
    gradebook = reverse("courses:gradebook:index", kwargs={"course": course.slug})

    client.force_login(alice)
    assert gradebook not in client.get(url).content.decode()
    client.force_login(instructor)
    assert gradebook in client.get(url).content.decode()


def test_scheme_settings_save_weights_and_letter_scale(client, world):
    course, instructor, (first, _second), alice, _bob = world
    attempt(first, alice, 8)
    read(first, alice)
    client.force_login(instructor)
    url = reverse("courses:gradebook:settings", kwargs={"course": course.slug})
    data = {
        "quiz_weight": 50, "participation_weight": 0, "reading_weight": 50,
        "full_participation_percent": 100, "replies_only_percent": 50, "late_penalty_percent": "0",
        "letter_scale": "Réussite 60\nÉchec 0",
    }

    assert client.post(url, {**data, "reading_weight": 40}).status_code == 200  # 90 in all: refused
    response = client.post(url, data)

    assert response.status_code == 302
    row = next(r for r in gradebook_rows(course=course).rows if r.user == alice)
    # 0.5 × 80 + 0.5 × 100 = 90 (participation weighs nothing now).
    assert str(row.grade.total_so_far) == "90.00" and row.grade.letter == "Réussite"
    # The same audited service as the studio's scheme page: one line, who and old → new.
    line = AuditEntry.objects.get(course=course, action=AuditEntry.Action.GRADING_SCHEME)
    assert line.actor == instructor and line.changes["quiz_weight"] == [70, 50]


def build_class(size):
    course, instructor, lessons = course_with_lessons(lessons=5, due_in=[timedelta(days=d) for d in (-14, -7, 0, 7, 14)])
    users = bulk_class(course, lessons, size)
    return course, instructor, users


@pytest.mark.parametrize("size", [10, 200])
def test_gradebook_page_and_export_run_a_constant_number_of_queries(client, django_assert_num_queries, size):
    course, instructor, users = build_class(size)
    client.force_login(instructor)

    url = reverse("courses:gradebook:index", kwargs={"course": course.slug})
    # Session, user, enrolment+course, scheme, lessons, stale standings (none), count, page, groups,
    # class size (when filtered), the header's notifications: the database sorts, filters and pages.
    for params, queries in (
        ({}, 10), ({"sort": "-total"}, 10), ({"sort": "-total", "risk": "1"}, 11), ({"sort": "flags", "q": "élise", "group": "G1"}, 11),
    ):
        with django_assert_num_queries(queries):
            response = client.get(url, params)
        assert response.status_code == 200
        assert response.context["class_size"] == size

    # Session, user, enrolment+course, scheme, lessons, stale standings (none), the standings' cursor.
    with django_assert_num_queries(7):
        response = client.get(reverse("courses:gradebook:csv", kwargs={"course": course.slug}))
        lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert len(lines) == size + 1


def test_students_beyond_one_screen_are_paginated_after_sorting(client):
    course, instructor, users = build_class(120)
    client.force_login(instructor)
    url = reverse("courses:gradebook:index", kwargs={"course": course.slug})

    first = client.get(url, {"sort": "-total"}).context
    second = client.get(url, {"sort": "-total", "page": 2}).context

    assert len(first["table"]) == 100 and len(second["table"]) == 20
    totals = [row.grade.total_so_far for row, _c in first["table"]] + [row.grade.total_so_far for row, _c in second["table"]]
    assert totals == sorted(totals, reverse=True)
    assert "page=2" in client.get(url, {"sort": "-total"}).content.decode()


def test_default_view_computes_one_page_but_keeps_the_class_order_groups_and_count(client):
    """The unfiltered name-sorted grid computes only its page; order, groups and totals match the full computation."""
    from gradebook.views import ROWS_PER_PAGE
    from tests.factories import EnrollmentFactory, LessonFactory, UserFactory

    lesson = LessonFactory()
    course = lesson.course
    teacher = EnrollmentFactory(course=course, role="instructor").user
    names = ["Émond", "Zola", "Côté", "Abel", "cyr"] * ((ROWS_PER_PAGE // 5) + 2)
    for n, last in enumerate(names):
        EnrollmentFactory(course=course, user=UserFactory(last_name=last, first_name=f"P{n:03d}"), group=f"G{n % 3}")
    client.force_login(teacher)

    first = client.get(f"/courses/{course.slug}/gradebook/")
    second = client.get(f"/courses/{course.slug}/gradebook/?page=2")
    full = client.get(f"/courses/{course.slug}/gradebook/?q=p")  # a search every student matches: the whole class is computed

    shown = [row.user.last_name for row, _cells in first.context["table"]] + [row.user.last_name for row, _cells in second.context["table"]]
    assert len(first.context["table"]) == ROWS_PER_PAGE
    assert shown[:3] == ["Abel", "Abel", "Abel"] and "Côté" in shown and shown.index("Côté") < shown.index("cyr")
    assert first.context["class_size"] == len(names) and first.context["groups"] == ["G0", "G1", "G2"]
    assert [row.user.pk for row, _c in first.context["table"]] == [row.user.pk for row, _c in full.context["table"]]


def test_an_unpublished_lesson_has_no_column_and_counts_in_no_total(client, world):
    course, instructor, (first, second), alice, bob = world
    read(second, alice)
    client.force_login(instructor)
    index = reverse("courses:gradebook:index", kwargs={"course": course.slug})
    rows = {row.user.username: row for row, _cells in client.get(index).context["table"]}
    assert str(rows[bob.username].grade.total_so_far) == "0.00"  # lesson 1 is past due and Bob did nothing

    first.is_published = False  # hidden from students: they cannot do its work
    first.save(update_fields=["is_published"])

    response = client.get(index)
    rows = {row.user.username: row for row, _cells in response.context["table"]}
    assert rows[bob.username].grade.total_so_far is None  # nothing published is due yet
    assert reverse("courses:gradebook:quiz", kwargs={"course": course.slug, "lesson": first.slug}) not in response.content.decode()
    assert reverse("courses:gradebook:quiz", kwargs={"course": course.slug, "lesson": second.slug}) in response.content.decode()
