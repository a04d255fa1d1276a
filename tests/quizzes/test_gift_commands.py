import io
import json

import pytest
from django.core.management import CommandError, call_command

from lessons.models import Lesson
from courses.models import AuditEntry
from quizzes.models import Attempt, Question, Response
from quizzes.services import attempt_start, attempt_submit, quiz_regrade
from tests.conftest import SEEDS_DIR
from tests.factories import SAMPLE_GIFT, EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db

MOODLE_EXAMPLES = """// Moodle's documented examples
::Q1:: 1+1=2 {T}

::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

::Q3:: Two plus {=two =2} equals four.

::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food =bird -> seeds }

::Q5:: What is a number from 1 to 5? {#3:2}

::Q7:: What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}

::Q8:: How are you? {}
"""


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_gift_json_matches_the_brief_shape(tmp_path):
    lesson = LessonFactory()
    path = tmp_path / "moodle.gift"
    path.write_text(MOODLE_EXAMPLES, encoding="utf-8")

    out, _ = run("import_gift", str(path), "--lesson", lesson.slug, "--json")

    report = json.loads(out)
    assert report["errors"] == []
    by_title = {q["title"]: q for q in report["questions"]}
    assert by_title["Q1"]["type"] == "truefalse" and by_title["Q1"]["correct"] is True
    assert by_title["Q2"]["answers"][0] == {"text": "yellow", "fraction": 1.0, "feedback": "right; good!"}
    assert by_title["Q3"]["type"] == "shortanswer" and "_____" in by_title["Q3"]["text"]
    assert by_title["Q4"]["pairs"] == [["cat", "cat food"], ["dog", "dog food"], ["bird", "seeds"]]
    assert by_title["Q5"]["answers"] == [{"value": 3.0, "tolerance": 2.0, "fraction": 1.0, "feedback": ""}]
    assert by_title["Q7"]["type"] == "multichoice_multi"
    assert [a["fraction"] for a in by_title["Q7"]["answers"]] == [-1.0, 0.5, 0.5, -1.0]
    assert by_title["Q8"]["type"] == "essay"
    assert Question.objects.filter(quiz__lesson=lesson).count() == 7


def test_import_gift_with_an_error_names_the_line_and_imports_nothing(tmp_path):
    lesson = LessonFactory()
    path = tmp_path / "broken.gift"
    path.write_text("::Ok:: Fine {T}\n\n::Bad:: How many? {#six}\n", encoding="utf-8")

    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_gift", str(path), "--lesson", lesson.slug, "--json", stdout=out)

    report = json.loads(out.getvalue())
    assert report["errors"][0]["line"] == 3 and "six" in report["errors"][0]["message"]
    assert not Question.objects.exists()


def test_dry_run_writes_nothing(tmp_path):
    lesson = LessonFactory()
    path = tmp_path / "ok.gift"
    path.write_text(SAMPLE_GIFT, encoding="utf-8")

    out, _ = run("import_gift", str(path), "--lesson", lesson.slug, "--dry-run")

    assert "Dry run" in out and "8 questions" in out
    assert not Question.objects.exists() and not AuditEntry.objects.exists()


@pytest.mark.parametrize("stem", sorted(p.stem for p in SEEDS_DIR.glob("*.gift")))
def test_export_then_import_gives_the_same_questions(course, tmp_path, stem):
    lesson = Lesson.objects.get(course=course, source_key=stem)
    before = list(Question.objects.filter(quiz__lesson=lesson).order_by("position").values())

    exported, _ = run("export_gift", "--lesson", lesson.slug)
    path = tmp_path / "export.gift"
    path.write_text(exported, encoding="utf-8")
    out, _ = run("import_gift", str(path), "--lesson", lesson.slug)

    assert "0 new, 0 updated, 0 new versions" in out
    assert list(Question.objects.filter(quiz__lesson=lesson).order_by("position").values()) == before


def test_reimport_versions_answered_questions_and_keeps_what_the_student_saw():
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)
    learner = EnrollmentFactory(course=lesson.course).user
    attempt = attempt_start(quiz=quiz, user=learner)
    old = quiz.questions.get(title="Capitale")
    attempt_submit(attempt_id=attempt.pk, answers={str(old.pk): old.data["answers"][0]["id"]})
    edited = SAMPLE_GIFT.replace("Quelle est la capitale du Québec ?", "Quelle ville est la capitale du Québec ?")
    edited = edited.replace("::Pi:: Valeur de pi à deux décimales ? {#3.14:0.005}", "")

    quiz_from_gift(lesson, edited)

    old.refresh_from_db()
    assert not old.is_active and old.text.startswith("Quelle est")
    new = quiz.questions.get(title="Capitale", is_active=True)
    assert new.version == 2 and new.text.startswith("Quelle ville")
    # Pi had a (blank) response in the submitted attempt: retired, not deleted.
    assert quiz.questions.filter(title="Pi", is_active=False).exists()
    assert Response.objects.get(attempt=attempt, question=old).answer == old.data["answers"][0]["id"]
    assert Attempt.objects.get(pk=attempt.pk).score == 1


def test_course_import_loads_a_real_quiz_for_each_lesson(course):
    for lesson in course.lessons.all():
        questions = list(Question.objects.filter(quiz__lesson=lesson, is_active=True))
        assert len(questions) >= 10
        assert len({q.type for q in questions}) >= 4
        for question in questions:
            assert question.general_feedback, question.title
            for answer in question.data.get("answers", []):
                assert answer.get("feedback"), (question.title, answer)


def test_course_import_twice_leaves_quizzes_unchanged(course):
    before = list(Question.objects.order_by("pk").values())
    call_command("import_course", str(SEEDS_DIR), stdout=io.StringIO())
    assert list(Question.objects.order_by("pk").values()) == before


def test_regrade_after_a_corrected_key_changes_scores_and_writes_an_audit_line():
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)
    teacher = EnrollmentFactory(course=lesson.course, role="instructor").user
    learner = EnrollmentFactory(course=lesson.course).user
    capitale = quiz.questions.get(title="Capitale")
    montreal = next(a for a in capitale.data["answers"] if a["text"] == "Montréal")
    attempt = attempt_start(quiz=quiz, user=learner)
    attempt_submit(attempt_id=attempt.pk, answers={str(capitale.pk): montreal["id"]})
    assert Attempt.objects.get(pk=attempt.pk).score == 0

    for answer in capitale.data["answers"]:
        answer["fraction"] = 1.0 if answer["text"] == "Montréal" else 0.0
    capitale.save()
    assert quiz_regrade(quiz=quiz, actor=teacher) == 1
    assert quiz_regrade(quiz=quiz, actor=teacher) == 0  # nothing left to change

    assert Attempt.objects.get(pk=attempt.pk).score == 1
    entry = AuditEntry.objects.get(action="regrade")
    assert entry.actor == teacher and entry.changes["changed"][0]["old"] == "0.000"
