"""Lessons written in the studio: create, edit (Markdown reading, release date), delete while unanswered."""

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from courses.models import AuditEntry
from discussions.models import Post, Thread
from discussions.services import post_create, prompt_threads_sync
from lessons.models import Lesson
from lessons.rendering import reading_html
from quizzes.services import attempt_start
from tests.studio.conftest import url

READING = """# Pourquoi "tirer" plutôt que pousser

Le Pull attire le client : il vient de lui-même !

- les contenus utiles
- les recommandations

Voir [le texte d'origine](https://example.org/pull).

<script>alert("x")</script>
"""


def new_lesson_data(**changes):
    return {
        "title": "Le marketing de contenu", "summary": "Attirer plutôt que pousser.", "objectives": "Définir le Pull\nDonner un exemple",
        "reading_markdown": READING, "instructor_note": "Premier paragraphe.\n\nSecond paragraphe.", "release_on": "", "due_at": "",
        **changes,
    }


def test_an_instructor_creates_a_lesson_with_a_markdown_reading_placed_last_and_unpublished(studio, prof):
    response = prof.post(url(studio, "lessons/new/"), new_lesson_data())

    lesson = Lesson.objects.get(course=studio["course"], title="Le marketing de contenu")
    assert response.status_code == 302 and response["Location"] == url(studio, f"lessons/{lesson.slug}/")
    assert lesson.slug == "le-marketing-de-contenu" and lesson.position == 3 and not lesson.is_published
    assert lesson.objectives == ["Définir le Pull", "Donner un exemple"]
    assert lesson.instructor_note == ["Premier paragraphe.", "Second paragraphe."]
    assert "<h2>Pourquoi «\u00a0tirer\u00a0» plutôt que pousser</h2>" in lesson.reading_html
    assert "<li>les contenus utiles</li>" in lesson.reading_html
    assert 'href="https://example.org/pull"' in lesson.reading_html and "d’origine" in lesson.reading_html
    assert "<script" not in lesson.reading_html
    assert lesson.word_count > 10
    entry = AuditEntry.objects.get(course=studio["course"], action="lesson_create")
    assert entry.actor == studio["instructor"] and entry.target == "Le marketing de contenu"


def test_a_refused_new_lesson_shows_what_is_wrong_and_keeps_what_was_typed(studio, prof):
    response = prof.post(url(studio, "lessons/new/"), new_lesson_data(title="", due_at="2001-01-01T10:00"))

    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in page
    assert "Attirer plutôt que pousser." in page and "les contenus utiles" in page and "Second paragraphe." in page
    assert not Lesson.objects.filter(title="").exists()
    assert Lesson.objects.filter(course=studio["course"]).count() == 2


def test_a_new_lesson_with_a_due_date_in_the_past_is_refused_and_nothing_is_created(studio, prof):
    response = prof.post(url(studio, "lessons/new/"), new_lesson_data(due_at="2001-01-01T10:00"))

    assert response.status_code == 200
    assert "Cette date est passée" in response.content.decode()
    assert not Lesson.objects.filter(title="Le marketing de contenu").exists()


def test_the_same_title_twice_gives_two_addresses(studio, prof):
    prof.post(url(studio, "lessons/new/"), new_lesson_data())
    prof.post(url(studio, "lessons/new/"), new_lesson_data())

    assert sorted(Lesson.objects.filter(title="Le marketing de contenu").values_list("slug", flat=True)) == [
        "le-marketing-de-contenu", "le-marketing-de-contenu-2"]


def test_editing_the_reading_renders_it_once_and_the_lesson_page_shows_it(studio, prof):
    lesson = studio["lesson"]
    data = new_lesson_data(title=lesson.title, is_published="on")

    prof.post(url(studio, f"lessons/{lesson.slug}/"), data)

    lesson.refresh_from_db()
    assert lesson.reading_markdown == READING.strip()
    assert lesson.reading_html == reading_html(READING)
    student = Client()
    student.force_login(studio["student"])
    page = student.get(f"/courses/{studio['course'].slug}/lessons/{lesson.slug}/").content.decode()
    assert lesson.reading_html in page and "Un paragraphe de lecture." not in page
    entry = AuditEntry.objects.get(course=studio["course"], action="lesson_edit")
    # A long text is recorded by its length, not in full.
    assert entry.changes["reading_markdown"] == ["", f"{len(READING.strip())} caractères"]


def test_saving_an_imported_lesson_without_touching_its_reading_keeps_the_imported_text(studio, prof):
    lesson = studio["lesson"]
    form_page = prof.get(url(studio, f"lessons/{lesson.slug}/")).content.decode()
    assert "Un paragraphe de lecture." in form_page  # the editor starts from the text on the page

    prof.post(url(studio, f"lessons/{lesson.slug}/"), new_lesson_data(
        title="Nouveau titre", reading_markdown="Un paragraphe de lecture.", is_published="on"))

    lesson.refresh_from_db()
    assert lesson.title == "Nouveau titre" and lesson.reading_markdown == "" and lesson.reading_html == ""


def test_the_preview_is_the_lesson_pages_rendering_and_saves_nothing(studio, prof):
    response = prof.post(url(studio, "reading-preview/"), {"reading_markdown": READING})

    assert response.status_code == 200
    assert response.content.decode() == reading_html(READING)
    assert "<script" not in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_the_preview_button_without_javascript_shows_the_reading_and_saves_nothing(studio, prof):
    lesson = studio["lesson"]
    response = prof.post(url(studio, f"lessons/{lesson.slug}/"), new_lesson_data(title="Autre", preview="1"))

    assert "<li>les contenus utiles</li>" in response.content.decode()
    lesson.refresh_from_db()
    assert lesson.title == "Push et Pull"


def test_a_release_date_hides_the_lesson_from_students_until_midnight_in_the_course_zone(studio, prof):
    lesson = studio["lesson"]
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    prof.post(url(studio, f"lessons/{lesson.slug}/"), new_lesson_data(
        title=lesson.title, reading_markdown="", is_published="on", release_on=tomorrow.isoformat()))

    lesson.refresh_from_db()
    zone = zoneinfo.ZoneInfo(studio["course"].time_zone)
    assert lesson.release_at == dt.datetime.combine(tomorrow, dt.time(0, 0), tzinfo=zone)
    lesson_url = f"/courses/{studio['course'].slug}/lessons/{lesson.slug}/"
    student = Client()
    student.force_login(studio["student"])
    assert student.get(lesson_url).status_code == 404
    assert prof.get(lesson_url).status_code == 200
    assert "text-bg-warning" in prof.get(url(studio, f"lessons/{lesson.slug}/")).content.decode()
    with time_machine.travel(lesson.release_at + dt.timedelta(minutes=1)):
        assert student.get(lesson_url).status_code == 200


def test_an_unanswered_lesson_is_deleted_with_its_quiz_prompts_and_threads(studio, prof):
    lesson = studio["lesson"]
    lesson.prompts.create(position=1, title="Q", body="Votre avis ?")
    prompt_threads_sync(lesson=lesson, author=studio["instructor"])

    response = prof.post(url(studio, f"lessons/{lesson.slug}/delete/"), {"confirm": "1"})

    assert response.status_code == 302 and response["Location"] == url(studio, "lessons/")
    assert not Lesson.objects.filter(pk=lesson.pk).exists()
    assert not Thread.objects.filter(lesson_id=lesson.pk).exists()
    entry = AuditEntry.objects.get(course=studio["course"], action="lesson_delete")
    assert entry.target == "Push et Pull"


def test_delete_needs_the_confirmation_box(studio, prof):
    prof.post(url(studio, f"lessons/{studio['lesson'].slug}/delete/"), {})

    assert Lesson.objects.filter(pk=studio["lesson"].pk).exists()


@pytest.mark.parametrize("answer", ["attempt", "prompt answer", "post"])
def test_a_lesson_students_answered_cannot_be_deleted(studio, prof, answer):
    lesson, student = studio["lesson"], studio["student"]
    prompt = lesson.prompts.create(position=1, title="Q", body="Votre avis ?")
    prompt_threads_sync(lesson=lesson, author=studio["instructor"])
    if answer == "attempt":
        attempt_start(quiz=studio["quiz"], user=student)
    elif answer == "prompt answer":
        post_create(thread=Thread.objects.get(prompt=prompt), author=student, body="Ma réponse")
    else:
        thread = Thread.objects.create(lesson=lesson, author=student, title="Une question", last_post_at=timezone.now())
        Post.objects.create(thread=thread, author=student, is_opening=True, body="Bonjour", body_html="<p>Bonjour</p>")

    response = prof.post(url(studio, f"lessons/{lesson.slug}/delete/"), {"confirm": "1"}, follow=True)

    assert Lesson.objects.filter(pk=lesson.pk).exists()
    assert "ne peut pas être supprimée" in response.content.decode()
    assert not AuditEntry.objects.filter(action="lesson_delete").exists()
