"""A re-import never empties a quiz by accident nor moves the ground under an open attempt; a NUL byte is an error."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from quizzes.gift import parse_gift
from quizzes.models import Attempt, Question
from quizzes.services import GiftImportError, attempt_start, quiz_import_gift
from tests.factories import SAMPLE_GIFT, EnrollmentFactory, LessonFactory, answers_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db

TWO_QUESTIONS = """
::Capitale:: Quelle est la capitale du Québec ? {=Québec ~Montréal ~Gatineau}

::Vrai:: Le fleuve Saint-Laurent coule vers l’est. {T}
"""
CAPITALE_ONLY = "::Capitale:: Quelle est la capitale du Québec ? {=Québec ~Montréal ~Gatineau}\n"
CAPITALE_KEY_MOVED = "::Capitale:: Quelle est la capitale du Québec ? {~Québec =Montréal ~Gatineau}\n\n::Vrai:: Le fleuve Saint-Laurent coule vers l’est. {T}\n"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def active_titles(quiz) -> list[str]:
    return list(Question.objects.filter(quiz=quiz, is_active=True).order_by("position").values_list("title", flat=True))


@pytest.mark.parametrize("text", ["", "   \n\n", "// Rien ici\n// que des commentaires\n", "$CATEGORY: vide\n", "::Intro:: Lisez bien.\n"])
def test_import_that_would_leave_the_quiz_without_questions_is_refused(text):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)
    before = active_titles(quiz)

    with pytest.raises(GiftImportError) as refused:
        quiz_import_gift(lesson=lesson, text=text)

    assert "line 1" in str(refused.value) and "no question" in str(refused.value)
    assert active_titles(quiz) == before


def test_emptying_a_quiz_on_purpose_is_allowed():
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)

    report = quiz_import_gift(lesson=lesson, text="// vidé exprès\n", allow_empty=True)

    assert active_titles(quiz) == [] and report.deleted == len(parse_gift(SAMPLE_GIFT).questions)


def test_import_gift_command_refuses_an_empty_file_unless_allowed(tmp_path):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)
    before = active_titles(quiz)
    path = tmp_path / "vide.gift"
    path.write_text("// plus rien\n", encoding="utf-8")

    with pytest.raises(CommandError, match="nothing was imported|Nothing was imported"):
        run("import_gift", str(path), "--lesson", lesson.slug)
    with pytest.raises(CommandError):
        out = io.StringIO()
        try:
            call_command("import_gift", str(path), "--lesson", lesson.slug, "--json", stdout=out, stderr=io.StringIO())
        finally:
            report = json.loads(out.getvalue())
    assert report["errors"] and report["errors"][0]["line"] == 1 and "--allow-empty" in report["errors"][0]["message"]
    assert active_titles(quiz) == before

    run("import_gift", str(path), "--lesson", lesson.slug, "--allow-empty")
    assert active_titles(quiz) == []


def test_nul_byte_is_an_error_naming_its_line(tmp_path):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, TWO_QUESTIONS)
    text = TWO_QUESTIONS.replace("Saint-Laurent", "Saint\x00Laurent")
    line = text[: text.index("\x00")].count("\n") + 1

    errors = parse_gift(text).errors
    assert [e.line for e in errors] == [line] and "NUL" in errors[0].message
    path = tmp_path / "nul.gift"
    path.write_text(text, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_gift", str(path), "--lesson", lesson.slug, stdout=io.StringIO(), stderr=err)
    assert f"line {line}: contains a NUL" in err.getvalue()
    assert active_titles(quiz) == ["Capitale", "Vrai"]


@pytest.fixture
def open_attempt(client):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, TWO_QUESTIONS)
    learner = EnrollmentFactory(course=lesson.course).user
    client.force_login(learner)
    client.post(reverse("courses:quizzes:start", kwargs={"course": lesson.course.slug, "lesson": lesson.slug}))
    attempt = Attempt.objects.get(user=learner)
    urls = {
        name: reverse(f"courses:quizzes:{name}", kwargs={"course": lesson.course.slug, "attempt": attempt.pk})
        for name in ("take", "autosave", "confirm")
    }
    return lesson, quiz, attempt, urls


def test_question_dropped_while_an_attempt_is_open_does_not_count_in_it(client, open_attempt):
    lesson, quiz, attempt, urls = open_attempt
    answers = answers_by_title(attempt, Capitale="Québec", Vrai="true")  # the page as the student loaded it

    quiz_import_gift(lesson=lesson, text=CAPITALE_ONLY)

    # The page still open in the browser posts both fields: nothing in it is refused.
    assert client.post(urls["autosave"], answers).status_code == 200
    client.post(urls["confirm"])
    attempt.refresh_from_db()
    assert attempt.is_submitted
    assert (attempt.score, attempt.max_score, attempt.percent) == (1, 1, 100)


def test_question_changed_while_an_attempt_is_open_is_graded_as_it_was_shown(client, open_attempt):
    lesson, quiz, attempt, urls = open_attempt
    answers = answers_by_title(attempt, Capitale="Québec", Vrai="true")
    shown = {q.pk for q in Question.objects.filter(pk__in=attempt.layout["questions"])}

    quiz_import_gift(lesson=lesson, text=CAPITALE_KEY_MOVED)

    assert set(Question.objects.filter(pk__in=shown).values_list("pk", flat=True)) == shown
    assert client.post(urls["take"], answers).status_code == 302
    client.post(urls["confirm"])
    attempt.refresh_from_db()
    assert (attempt.score, attempt.max_score) == (2, 2)
    # A new attempt shows the new version.
    assert Question.objects.get(quiz=quiz, title="Capitale", is_active=True).pk not in shown


def test_attempt_started_after_a_reimport_counts_only_the_questions_it_shows(client, open_attempt):
    lesson, quiz, attempt, urls = open_attempt
    client.post(urls["confirm"])
    quiz_import_gift(lesson=lesson, text=CAPITALE_ONLY)

    second = attempt_start(quiz=quiz, user=attempt.user)

    assert second.max_score == 1 and len(second.layout["questions"]) == 1


RARETE = "::Rareté:: Quel principe manque ? {=rareté =la rareté}\n"
RARETE_MORE = "::Rareté:: Quel principe manque ? {=rareté =la rareté =l’effet de rareté}\n"


def test_a_reimport_keeps_the_grading_options_set_on_a_question():
    """GIFT has no syntax for "accents matter": the option lives on the question and survives imports."""
    lesson = LessonFactory()
    quiz_import_gift(lesson=lesson, text=RARETE)
    question = Question.objects.get(quiz__lesson=lesson, is_active=True)
    question.data["options"] = {"accent_insensitive": False}
    question.save(update_fields=["data"])

    unchanged = quiz_import_gift(lesson=lesson, text=RARETE)
    assert unchanged.unchanged == 1  # the option alone is no change to version
    quiz_import_gift(lesson=lesson, text=RARETE_MORE)

    question = Question.objects.get(quiz__lesson=lesson, is_active=True)
    assert len(question.data["answers"]) == 3
    assert question.data["options"] == {"accent_insensitive": False}
