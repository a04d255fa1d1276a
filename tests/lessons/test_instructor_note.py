"""The instructor's note: paragraphs from the companion file, shown apart from the article and marked as such."""

import pytest
from django.urls import reverse

from lessons.models import Lesson
from lessons.seed_documents import SeedFileError, load_seed_folder
from lessons.services import course_import
from tests.factories import EnrollmentFactory
from tests.lessons.test_import_course import edit_companion

pytestmark = pytest.mark.django_db

STEM = "000_228dd85a06a127ca"


def lesson_page(client, lesson):
    client.force_login(EnrollmentFactory(course=lesson.course).user)
    return client.get(reverse("courses:lessons:detail", kwargs={"course": lesson.course.slug, "lesson": lesson.slug}))


def test_a_note_in_the_companion_is_shown_on_the_lesson_page_as_the_instructors(client, seed_copy):
    edit_companion(seed_copy, STEM, lambda d: d.update(instructor_note=["Premier paragraphe.", "Second : la suite."]))
    course_import(directory=seed_copy)
    lesson = Lesson.objects.get(source_key=STEM)

    page = lesson_page(client, lesson).content.decode()

    note = page.split('data-testid="instructor-note"')[1].split("</aside>")[0]
    assert "Note de l’enseignant" in note and "ne fait pas partie de l’article" in note
    assert "<p>Premier paragraphe.</p>" in note and "Second\u00a0: la suite." in note


def test_a_lesson_without_a_note_shows_none(client, seed_copy):
    course_import(directory=seed_copy)
    lesson = Lesson.objects.get(source_key=STEM)
    assert lesson.instructor_note == []
    assert 'data-testid="instructor-note"' not in lesson_page(client, lesson).content.decode()


def test_removing_the_note_from_the_companion_removes_it_on_reimport(seed_copy):
    edit_companion(seed_copy, STEM, lambda d: d.update(instructor_note=["Une note."]))
    course_import(directory=seed_copy)
    edit_companion(seed_copy, STEM, lambda d: d.pop("instructor_note"))
    course_import(directory=seed_copy)
    assert Lesson.objects.get(source_key=STEM).instructor_note == []


@pytest.mark.parametrize("bad", ["un texte seul", [], ["ok", 3], [""]])
def test_a_malformed_note_is_refused_with_its_field_named(seed_copy, bad):
    edit_companion(seed_copy, STEM, lambda d: d.update(instructor_note=bad))
    with pytest.raises(SeedFileError) as error:
        load_seed_folder(seed_copy)
    assert error.value.field_name == "instructor_note"
