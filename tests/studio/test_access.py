"""Who reaches the studio: instructors write, TAs read, students and outsiders are refused."""

import pytest
from django.test import Client

from courses.models import AuditEntry
from tests.studio.conftest import url

READ_PAGES = ["", "quizzes/push-pull/", "quizzes/push-pull/settings/", "lessons/", "lessons/push-pull/", "people/", "scheme/", "copy/"]


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_course_page_links_the_studio_for_staff_only(studio):
    link = f'href="{url(studio)}"'
    for role, shown in (("instructor", True), ("assistant", True), ("student", False)):
        page = client_for(studio[role]).get(f"/courses/{studio['course'].slug}/").content.decode()
        assert (link in page) is shown, role


@pytest.mark.parametrize("path", READ_PAGES)
def test_teaching_assistants_read_every_page_without_a_form_to_write(studio, path):
    response = client_for(studio["assistant"]).get(url(studio, path))
    assert response.status_code == 200
    assert "Lecture seule" in response.content.decode() or path.startswith("quizzes/push-pull/settings")


@pytest.mark.parametrize("path", READ_PAGES)
def test_students_get_403_and_outsiders_404(studio, path):
    assert client_for(studio["student"]).get(url(studio, path)).status_code == 403
    assert client_for(studio["outsider"]).get(url(studio, path)).status_code == 404
    assert Client().get(url(studio, path)).status_code == 302


@pytest.mark.parametrize("role, status", [("assistant", 403), ("student", 403), ("outsider", 404)])
def test_nobody_but_an_instructor_writes(studio, role, status):
    client = client_for(studio[role])
    question = studio["quiz"].questions.first()
    posts = {
        "quizzes/push-pull/": {"gift_text": "::X:: Nouveau ? {T}", "import": "1"},
        f"quizzes/push-pull/questions/{question.pk}/action/": {"action": "hide"},
        "lessons/push-pull/action/": {"action": "unpublish"},
        "people/": {"one-email": "nouveau@example.org", "one-role": "student"},
        f"people/{studio['student'].pk}/": {"action": "remove"},
        "scheme/": {"quiz_weight": 50, "participation_weight": 40, "reading_weight": 10, "save": "1"},
        "copy/": {"new_slug": "copie", "title": "Copie", "starts_on": "2099-01-10"},
    }
    for path, data in posts.items():
        assert client.post(url(studio, path), data).status_code == status, path
    question.refresh_from_db()
    assert not question.is_hidden
    assert not AuditEntry.objects.exists()
    assert studio["course"].enrollments.count() == 3


def test_every_studio_post_needs_the_csrf_token(studio):
    client = Client(enforce_csrf_checks=True)
    client.force_login(studio["instructor"])
    question = studio["quiz"].questions.first()
    response = client.post(url(studio, f"quizzes/push-pull/questions/{question.pk}/action/"), {"action": "hide"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert not question.is_hidden


def test_due_dates_read_as_a_french_clock_time(studio):
    import datetime as dt
    from zoneinfo import ZoneInfo

    quiz = studio["quiz"]
    quiz.due_at = dt.datetime(2026, 12, 15, 23, 59, tzinfo=ZoneInfo("America/Montreal"))
    quiz.save(update_fields=["due_at"])
    page = client_for(studio["instructor"]).get(url(studio)).content.decode()
    assert "15 décembre 2026, 23:59" in page
    assert "23 11 59" not in page
