import pytest
import yaml
from django.core.management import CommandError, call_command

from courses.models import Course
from lessons.models import DiscussionPrompt, Lesson, LessonProgress
from lessons.services import course_import
from quizzes.models import Question
from tests.conftest import SEEDS_DIR
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def database_snapshot():
    """Every imported row with every column, to compare two states of the database."""
    return {
        "courses": list(Course.objects.order_by("pk").values()),
        "lessons": list(Lesson.objects.order_by("pk").values()),
        "prompts": list(DiscussionPrompt.objects.order_by("pk").values()),
        "progress": list(LessonProgress.objects.order_by("pk").values()),
        "questions": list(Question.objects.order_by("pk").values()),
    }


def edit_companion(folder, stem, change):
    path = folder / f"{stem}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_import_creates_the_course_with_its_five_lessons_in_order():
    call_command("import_course", str(SEEDS_DIR))

    course = Course.objects.get(slug="marketing-numerique")
    lessons = list(course.lessons.order_by("position"))
    assert [lesson.position for lesson in lessons] == [1, 2, 3, 4, 5]
    assert all(lesson.prompts.count() >= 3 for lesson in lessons)
    assert all(3 <= len(lesson.objectives) <= 5 for lesson in lessons)


def test_second_import_leaves_every_row_identical():
    call_command("import_course", str(SEEDS_DIR))
    first = database_snapshot()

    call_command("import_course", str(SEEDS_DIR))

    assert database_snapshot() == first


def test_edited_prompt_is_updated_on_reimport(seed_copy):
    course_import(directory=seed_copy)
    stem = sorted(seed_copy.glob("*.txt"))[0].stem
    edit_companion(seed_copy, stem, lambda d: d["prompts"][0].update(body="Une question reformulée ?"))

    report = course_import(directory=seed_copy)

    prompt = DiscussionPrompt.objects.get(lesson__source_key=stem, position=1)
    assert prompt.body == "Une question reformulée ?"
    assert report.updated == [prompt.lesson.slug]
    assert DiscussionPrompt.objects.filter(lesson__source_key=stem, position=1).count() == 1


def test_reimport_keeps_student_progress_even_when_lessons_are_reordered(seed_copy):
    course = course_import(directory=seed_copy).course
    student = UserFactory()
    first = course.lessons.get(position=1)
    LessonProgress.objects.create(lesson=first, user=student, read_at="2026-01-10T10:00:00Z")
    second = course.lessons.get(position=2)
    edit_companion(seed_copy, first.source_key, lambda d: d.update(order=2))
    edit_companion(seed_copy, second.source_key, lambda d: d.update(order=1))

    course_import(directory=seed_copy)

    first.refresh_from_db()
    assert first.position == 2
    assert LessonProgress.objects.get(user=student).lesson == first


def test_removed_prompt_is_retired_not_deleted(seed_copy):
    course_import(directory=seed_copy)
    stem = sorted(seed_copy.glob("*.txt"))[0].stem
    count = DiscussionPrompt.objects.filter(lesson__source_key=stem).count()
    edit_companion(seed_copy, stem, lambda d: d.update(prompts=d["prompts"][:3]))

    course_import(directory=seed_copy)

    prompts = DiscussionPrompt.objects.filter(lesson__source_key=stem)
    assert prompts.count() == count
    assert prompts.filter(is_active=True).count() == 3


@pytest.mark.parametrize(
    "breakage, expected",
    [
        (lambda d: d.pop("title"), "field “title”: missing"),
        (lambda d: d.update(objectives=["Un seul objectif"]), "field “objectives”: expected 3 to 5 entries"),
        (lambda d: d.update(order="premier"), "field “order”"),
        (lambda d: d.update(published="16 mars 2023"), "field “published”"),
        (lambda d: d.update(furniture=["Une ligne qui n’existe pas"]), "field “furniture”: line not found"),
        (lambda d: d.update(prompts=[{"title": "Seule"}]), "field “prompts”"),
    ],
    ids=["missing-title", "too-few-objectives", "bad-order", "bad-date", "unknown-furniture", "too-few-prompts"],
)
def test_malformed_companion_names_file_and_field_and_imports_nothing(seed_copy, breakage, expected):
    course_import(directory=seed_copy)
    before = database_snapshot()
    stem = sorted(seed_copy.glob("*.txt"))[-1].stem
    edit_companion(seed_copy, sorted(seed_copy.glob("*.txt"))[0].stem, lambda d: d.update(title="Titre modifié"))
    edit_companion(seed_copy, stem, breakage)

    with pytest.raises(CommandError) as error:
        call_command("import_course", str(seed_copy))

    assert f"{stem}.yml" in str(error.value)
    assert expected in str(error.value)
    # The valid edit to the first lesson was not half-imported either.
    assert database_snapshot() == before


def test_invalid_yaml_names_the_file_and_line(seed_copy):
    stem = sorted(seed_copy.glob("*.txt"))[1].stem
    (seed_copy / f"{stem}.yml").write_text("title: [non fermé\nslug: x\n", encoding="utf-8")

    with pytest.raises(CommandError) as error:
        call_command("import_course", str(seed_copy))

    assert f"{stem}.yml" in str(error.value)
    assert "invalid YAML" in str(error.value)
    assert not Course.objects.exists()


def test_missing_companion_file_stops_the_import(seed_copy):
    stem = sorted(seed_copy.glob("*.txt"))[2].stem
    (seed_copy / f"{stem}.yml").unlink()

    with pytest.raises(CommandError) as error:
        call_command("import_course", str(seed_copy))

    assert f"{stem}.yml" in str(error.value) and "missing companion" in str(error.value)
    assert not Lesson.objects.exists()


def test_seed_documents_are_kept_byte_for_byte():
    shared = SEEDS_DIR.parent.parent / "shared" / "seeds"
    if not shared.is_dir():  # outside this workplace the copies in seeds/ are the only ones
        shared = SEEDS_DIR
    for original in shared.glob("*.txt"):
        assert (SEEDS_DIR / original.name).read_bytes() == original.read_bytes()
    assert len(list(SEEDS_DIR.glob("*.txt"))) == 5


def test_malformed_quiz_file_names_the_file_and_line_and_imports_nothing(seed_copy):
    call_command("import_course", str(seed_copy))
    before = database_snapshot()
    gift = sorted(seed_copy.glob("*.gift"))[-1]
    gift.write_text(gift.read_text(encoding="utf-8") + "\n\n::Cassée:: Combien ? {#six}\n", encoding="utf-8")
    edit_companion(seed_copy, sorted(seed_copy.glob("*.txt"))[0].stem, lambda d: d.update(title="Titre modifié"))

    with pytest.raises(CommandError) as error:
        call_command("import_course", str(seed_copy))

    assert gift.name in str(error.value) and "six" in str(error.value) and "line" in str(error.value)
    assert database_snapshot() == before
