"""`import_course` and lessons edited in the site: left alone (and reported) unless `--force`."""

import io

import pytest
from django.core.management import call_command

from courses.models import Course
from lessons.models import Lesson
from lessons.services import lesson_create, lesson_update, prompt_update
from tests.lessons.test_import_course import edit_companion

pytestmark = pytest.mark.django_db

PUSH = "strategies-push-pull"


def run_import(folder, *options) -> str:
    out = io.StringIO()
    call_command("import_course", str(folder), *options, stdout=out)
    return out.getvalue()


@pytest.fixture
def imported(seed_copy):
    run_import(seed_copy)
    return seed_copy


def test_a_reimport_of_unchanged_seeds_skips_nothing_and_changes_nothing(imported):
    before = list(Lesson.objects.order_by("pk").values())

    output = run_import(imported)

    assert "0 skipped" in output and "skipped “" not in output
    assert list(Lesson.objects.order_by("pk").values()) == before


def test_a_lesson_edited_in_the_site_is_skipped_with_what_would_change_and_the_rest_is_imported(imported):
    push = Lesson.objects.get(slug=PUSH)
    lesson_update(lesson=push, title="Titre revu en classe", reading_markdown="## Ma version\n\nTexte réécrit.")
    edit_companion(imported, "000_228dd85a06a127ca", lambda data: data.update(summary="Résumé du fichier."))
    other = Lesson.objects.exclude(slug=PUSH).order_by("position").first()
    stem = other.source_key
    edit_companion(imported, stem, lambda data: data.update(title="Titre du fichier"))

    output = run_import(imported)

    push.refresh_from_db()
    assert push.title == "Titre revu en classe" and push.reading_markdown.startswith("## Ma version")
    assert push.summary != "Résumé du fichier."
    assert f"skipped “{PUSH}”" in output
    line = next(line for line in output.splitlines() if PUSH in line)
    assert "title" in line and "summary" in line and "reading" in line and "--force" in line
    other.refresh_from_db()
    assert other.title == "Titre du fichier"


def test_a_prompt_reworded_in_the_site_counts_as_an_edit(imported):
    push = Lesson.objects.get(slug=PUSH)
    prompt_update(prompt=push.prompts.order_by("position").first(), body="Reformulée en classe.")

    output = run_import(imported)

    assert "prompts" in next(line for line in output.splitlines() if PUSH in line)
    assert push.prompts.filter(body="Reformulée en classe.").exists()


def test_force_overwrites_the_site_edits_and_later_imports_update_it_again(imported):
    push = Lesson.objects.get(slug=PUSH)
    original_title = push.title
    lesson_update(lesson=push, title="Titre revu", reading_markdown="Texte réécrit.")

    output = run_import(imported, "--force")

    push.refresh_from_db()
    assert "skipped “" not in output
    assert push.title == original_title and push.reading_markdown == "" and push.reading_html == ""
    edit_companion(imported, "000_228dd85a06a127ca", lambda data: data.update(title="Nouveau titre du fichier"))
    run_import(imported)
    push.refresh_from_db()
    assert push.title == "Nouveau titre du fichier"


def test_publication_and_release_date_set_in_the_site_do_not_count_as_edits(imported):
    push = Lesson.objects.get(slug=PUSH)
    lesson_update(lesson=push, is_published=False)
    edit_companion(imported, "000_228dd85a06a127ca", lambda data: data.update(title="Titre du fichier"))

    output = run_import(imported)

    push.refresh_from_db()
    assert "skipped “" not in output
    assert push.title == "Titre du fichier" and not push.is_published


def test_a_lesson_written_in_the_site_survives_a_reimport_after_the_seed_lessons(imported):
    course = Course.objects.get(slug="marketing-numerique")
    written = lesson_create(course=course, title="Leçon écrite en classe", summary="Résumé.", objectives=[])
    # Moved up in the studio to the second place (the seed lesson there goes to the end).
    Lesson.objects.filter(course=course, position=2).update(position=99)
    Lesson.objects.filter(pk=written.pk).update(position=2)

    run_import(imported)

    written.refresh_from_db()
    positions = sorted(Lesson.objects.filter(course=course).exclude(pk=written.pk).values_list("position", flat=True))
    assert positions == [1, 2, 3, 4, 5]
    assert written.position == 6 and written.title == "Leçon écrite en classe"
