"""The Django admin edits lessons with the studio's editor: lines and paragraphs, Markdown, French labels, audited."""

import pytest
from django.test import Client
from django.urls import reverse

from courses.models import AuditEntry
from lessons.models import Lesson
from lessons.rendering import reading_html
from tests.factories import LessonFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client():
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def editor_data(**changes):
    return {
        "title": "Leçon", "summary": "Résumé.", "objectives": "Comprendre\nAppliquer", "reading_markdown": "## Partie\n\n- un\n- deux",
        "instructor_note": "Note.", "is_published": "on", "release_on": "", "author": "", "source": "", "published_on": "",
        "prompts-TOTAL_FORMS": "0", "prompts-INITIAL_FORMS": "0", "prompts-MIN_NUM_FORMS": "0", "prompts-MAX_NUM_FORMS": "1000",
        **changes,
    }


def test_the_admin_change_page_shows_the_editor_in_french_without_raw_json(admin_client):
    lesson = LessonFactory(objectives=["Comprendre", "Appliquer"])

    page = admin_client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()

    assert "Blocs de texte" not in page and "text blocks" not in page.lower()
    assert "Objectifs d’apprentissage" in page and "Visible à partir du" in page
    assert "Comprendre\nAppliquer" in page and '["Comprendre"' not in page
    assert "js/lesson_editor.js" in page and reverse("admin:lessons_lesson_reading_preview") in page


def test_saving_in_the_admin_goes_through_the_lessons_services_and_the_audit_trail(admin_client):
    lesson = LessonFactory()

    response = admin_client.post(reverse("admin:lessons_lesson_change", args=[lesson.pk]), editor_data(title="Titre admin"))

    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.title == "Titre admin" and lesson.objectives == ["Comprendre", "Appliquer"]
    assert lesson.reading_html == reading_html("## Partie\n\n- un\n- deux")
    assert AuditEntry.objects.get(action="lesson_edit").changes["title"][1] == "Titre admin"


def test_adding_in_the_admin_places_the_lesson_last(admin_client):
    course = LessonFactory(position=3).course

    response = admin_client.post(reverse("admin:lessons_lesson_add"), editor_data(course=course.pk, slug="nouvelle"))

    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = Lesson.objects.get(slug="nouvelle")
    assert lesson.position == 4 and lesson.objectives == ["Comprendre", "Appliquer"] and "<li>un</li>" in lesson.reading_html
    assert AuditEntry.objects.filter(course=course, action="lesson_create").exists()


def test_the_admin_preview_renders_like_the_lesson_page(admin_client):
    response = admin_client.post(reverse("admin:lessons_lesson_reading_preview"), {"reading_markdown": "Bonjour !"})

    assert response.content.decode() == reading_html("Bonjour !")


def test_the_admin_does_not_delete_lessons(admin_client):
    lesson = LessonFactory()

    admin_client.post(reverse("admin:lessons_lesson_delete", args=[lesson.pk]), {"post": "yes"})

    assert Lesson.objects.filter(pk=lesson.pk).exists()
