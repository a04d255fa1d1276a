"""The four places where the GIFT parser now reads a file as Moodle does (own examples, not the seeds)."""

import pytest

from quizzes.gift import parse_gift, write_gift
from quizzes.question_data import gift_from_question
from tests.factories import LessonFactory


def only_question(text):
    result = parse_gift(text)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0].to_json()


# 1. Format markers on answers, matching sub-questions and feedback.

def test_a_format_marker_on_an_answer_is_stripped_and_sets_its_format():
    question = only_question("::Gras:: Quel mot est en gras ? {=[html]<b>média</b> #[markdown]*Oui* ~[plain]réseau #Non}")
    right, wrong = question["answers"]
    assert right["text"] == "<b>média</b>" and right["format"] == "html"
    assert right["feedback"] == "*Oui*" and right["feedback_format"] == "markdown"
    assert wrong["text"] == "réseau" and wrong["format"] == "plain"
    assert wrong["feedback"] == "Non" and "feedback_format" not in wrong


def test_a_format_marker_on_a_matching_sub_question_is_stripped():
    question = only_question(
        "::Médias:: Associez. {=[html]<i>Paid</i> -> Acheté =Earned -> Mérité =Owned -> Possédé}"
    )
    assert question["pairs"][0] == ["<i>Paid</i>", "Acheté"]
    assert question["subquestion_formats"] == ["html", None, None]


def test_format_markers_on_true_false_numerical_and_general_feedback():
    truefalse = only_question("::VF:: Le Pull attire. {T#[html]<b>Non</b>#[plain]Oui####[markdown]Voir *Pull*}")
    assert truefalse["answers"][1]["feedback"] == "<b>Non</b>" and truefalse["answers"][1]["feedback_format"] == "html"
    assert truefalse["answers"][0]["feedback"] == "Oui" and truefalse["answers"][0]["feedback_format"] == "plain"
    assert truefalse["general_feedback"] == "Voir *Pull*" and truefalse["general_feedback_format"] == "markdown"
    numerical = only_question("::Nb:: Combien de médias ? {#=4#[html]<em>PESO</em>}")
    assert numerical["answers"][0]["feedback"] == "<em>PESO</em>"


def test_text_without_markers_keeps_the_contract_shape():
    question = only_question("::Simple:: Choisir. {=oui ~non}")
    assert set(question["answers"][0]) == {"text", "fraction", "feedback"}
    assert "subquestion_formats" not in question and "general_feedback_format" not in question


def test_markers_survive_the_writer_and_the_database(db):
    from quizzes.models import Question
    from quizzes.services import quiz_import_gift

    text = (
        "::Gras:: Quel mot ? {=[html]<b>média</b>#[markdown]*Oui* ~réseau}\n\n"
        "::Médias:: Associez. {=[html]<i>Paid</i> -> Acheté =Earned -> Mérité = -> Loué}\n"
    )
    assert parse_gift(write_gift(parse_gift(text).questions)).to_json()["questions"][0]["answers"][0]["format"] == "html"
    lesson = LessonFactory()
    quiz_import_gift(lesson=lesson, text=text)
    stored = Question.objects.filter(quiz__lesson=lesson).order_by("position")
    written = write_gift(gift_from_question(q) for q in stored)
    again = parse_gift(written)
    assert again.errors == []
    assert again.questions[0].answers[0].format == "html"
    assert again.questions[1].subquestion_formats == ["html", None, None]


# 2. No "=" answer: a multiple-answer question, even with one ~%100% answer.

def test_multiple_choice_without_equals_is_multiple_answers_even_with_one_full_weight():
    question = only_question("::Un seul:: Quel média est acheté ? {~%100%Paid ~Earned ~Owned}")
    assert question["type"] == "multichoice_multi"


def test_an_equals_answer_still_makes_a_single_choice_question():
    assert only_question("::Un:: Quel média est acheté ? {=Paid ~Earned ~%50%Owned}")["type"] == "multichoice"


# 3. Weights must be Moodle's grade fractions.

@pytest.mark.parametrize("weight", ["35", "33.3", "-45", "99", "12"])
def test_a_weight_moodle_does_not_offer_is_refused_with_its_line(weight):
    result = parse_gift(f"// commentaire\n::Poids:: Choisir.\n{{\n=bon\n~%{weight}%moyen\n~mauvais\n}}")
    assert result.questions == []
    assert len(result.errors) == 1
    assert result.errors[0].line == 5
    assert f"%{weight}%" in result.errors[0].message and "Moodle" in result.errors[0].message


@pytest.mark.parametrize("weight, fraction", [
    ("33.33333", 0.3333333), ("-66.66667", -0.6666667), ("14.28571", 0.1428571), ("12.5", 0.125), ("-100", -1.0),
])
def test_moodle_grades_are_accepted(weight, fraction):
    question = only_question(f"::Poids:: Choisir. {{=bon ~%{weight}%moyen ~mauvais}}")
    assert question["answers"][1]["fraction"] == fraction


def test_numerical_and_short_answer_weights_follow_the_same_rule():
    assert parse_gift("::N:: Combien ? {#=%45%4 =5}").errors[0].line == 1
    assert parse_gift("::C:: Capitale ? {=Québec =%70%Quebec}").errors == []


# 4. A matching question's spare answer keeps its empty sub-question.

def test_a_spare_matching_answer_keeps_its_empty_sub_question():
    question = only_question("::Médias:: Associez. {=Paid -> Acheté =Earned -> Mérité =Owned -> Possédé = -> Partagé}")
    assert question["pairs"][-1] == ["", "Partagé"]


def test_the_spare_answer_is_offered_to_students_but_asks_nothing(db):
    from quizzes.models import Question
    from quizzes.selectors import attempt_items
    from quizzes.services import attempt_start, quiz_import_gift
    from tests.factories import UserFactory

    lesson = LessonFactory()
    quiz = quiz_import_gift(lesson=lesson, text="::M:: Associez. {=Paid -> Acheté =Earned -> Mérité = -> Partagé}").quiz
    assert Question.objects.get(quiz=quiz).data["pairs"][-1] == ["", "Partagé"]
    item = attempt_items(attempt=attempt_start(quiz=quiz, user=UserFactory()))[0]
    assert [stem for _id, stem in item.stems] == ["Paid", "Earned"]
    assert "Partagé" in item.options
    assert "= -> Partagé" in write_gift([gift_from_question(item.question)])
