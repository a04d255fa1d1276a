"""GIFT parsing, checked against the examples of Moodle's GIFT documentation."""

import json

import pytest

from quizzes.gift import GiftError, parse_gift

# Keys every question carries; each expected dict below overrides what differs.
DEFAULTS = {
    "title": "",
    "format": "moodle",
    "general_feedback": "",
    "category": None,
    "line": 1,
    "answers": [],
}


def parse_one(source):
    result = parse_gift(source)
    assert result.errors == []
    assert len(result.questions) == 1
    return result.questions[0].to_json()


def choice(text, fraction, feedback=""):
    return {"text": text, "fraction": fraction, "feedback": feedback}


# -- multiple choice -------------------------------------------------------------


def test_multiple_choice_marks_equals_answer_correct():
    assert parse_one("Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}") == {
        **DEFAULTS,
        "type": "multichoice",
        "text": "Who's buried in Grant's tomb?",
        "answers": [choice("Grant", 0.0), choice("Jefferson", 0.0), choice("no one", 1.0)],
    }


def test_missing_word_question_shows_gap():
    source = "Moodle costs {~lots of money =nothing ~a small amount} to download."
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "multichoice",
        "text": "Moodle costs _____ to download.",
        "answers": [
            choice("lots of money", 0.0),
            choice("nothing", 1.0),
            choice("a small amount", 0.0),
        ],
    }


def test_answer_block_at_the_very_end_leaves_no_gap():
    assert parse_one("Grant is buried in {~Paris =New York}")["text"] == "Grant is buried in"


def test_answers_on_separate_lines_with_text_after_the_block():
    source = (
        "The American holiday of Thanksgiving is celebrated on the {\n"
        "    ~second\n"
        "    ~third\n"
        "    =fourth\n"
        "} Thursday of November."
    )
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "multichoice",
        "text": "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November.",
        "answers": [choice("second", 0.0), choice("third", 0.0), choice("fourth", 1.0)],
    }


def test_answers_on_separate_lines_closing_brace_on_last_answer():
    source = "Japanese characters originally came from what country? {\n    ~India\n    =China\n    ~Korea\n    ~Egypt}"
    question = parse_one(source)
    assert question["text"] == "Japanese characters originally came from what country?"
    assert question["answers"] == [
        choice("India", 0.0),
        choice("China", 1.0),
        choice("Korea", 0.0),
        choice("Egypt", 0.0),
    ]


def test_text_after_block_on_the_next_line_is_kept_after_the_gap():
    source = 'Since {\n  ~495 AD\n  =1066 AD\n  ~1215 AD\n  ~ 43 AD\n}\nthe town of Hastings England has been "famous with visitors".'
    question = parse_one(source)
    assert question["text"] == 'Since _____\nthe town of Hastings England has been "famous with visitors".'
    assert [answer["text"] for answer in question["answers"]] == ["495 AD", "1066 AD", "1215 AD", "43 AD"]


def test_feedback_per_answer():
    source = (
        "What's the answer to this multiple-choice question? {\n"
        "  ~wrong answer#feedback comment on the wrong answer\n"
        "  ~another wrong answer#feedback comment on this wrong answer\n"
        "  =right answer#Very good!\n"
        "}"
    )
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "multichoice",
        "text": "What's the answer to this multiple-choice question?",
        "answers": [
            choice("wrong answer", 0.0, "feedback comment on the wrong answer"),
            choice("another wrong answer", 0.0, "feedback comment on this wrong answer"),
            choice("right answer", 1.0, "Very good!"),
        ],
    }


def test_weighted_answers_without_equals_sign_are_multiple_answer():
    source = (
        "What two people are entombed in Grant's tomb? {\n"
        "   ~%-100%No one\n"
        "   ~%50%Grant\n"
        "   ~%50%Grant's wife\n"
        "   ~%-100%Grant's father\n"
        "}"
    )
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "multichoice_multi",
        "text": "What two people are entombed in Grant's tomb?",
        "answers": [
            choice("No one", -1.0),
            choice("Grant", 0.5),
            choice("Grant's wife", 0.5),
            choice("Grant's father", -1.0),
        ],
    }


def test_multiple_answer_with_unweighted_wrong_answers():
    source = "What two people are entombed in Grant's tomb? {\n   ~No one\n   ~%50%Grant\n   ~%50%Grant's wife\n   ~Grant's father\n}"
    question = parse_one(source)
    assert question["type"] == "multichoice_multi"
    assert [answer["fraction"] for answer in question["answers"]] == [0.0, 0.5, 0.5, 0.0]


def test_partial_credit_next_to_an_equals_answer_stays_single_choice():
    source = (
        "::Jesus' hometown::Jesus Christ was from {\n"
        "   ~Jerusalem#This was an important city, but the wrong answer.\n"
        "   ~%25%Bethlehem#He was born here, but not raised here.\n"
        "   ~%50%Galilee#You need to be more specific.\n"
        "   =Nazareth#Yes! That's right!\n"
        "}."
    )
    assert parse_one(source) == {
        **DEFAULTS,
        "title": "Jesus' hometown",
        "type": "multichoice",
        "text": "Jesus Christ was from _____.",
        "answers": [
            choice("Jerusalem", 0.0, "This was an important city, but the wrong answer."),
            choice("Bethlehem", 0.25, "He was born here, but not raised here."),
            choice("Galilee", 0.5, "You need to be more specific."),
            choice("Nazareth", 1.0, "Yes! That's right!"),
        ],
    }


def test_single_full_weight_answer_without_equals_is_multiple_answers_as_in_moodle():
    # Moodle: no answer marked "=" makes a multiple-answer question, whatever the weights.
    assert parse_one("Pick one {~%100%right ~wrong}")["type"] == "multichoice_multi"


def test_one_third_weights_are_rounded_to_seven_decimals():
    question = parse_one("Pick {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert question["type"] == "multichoice_multi"
    assert [answer["fraction"] for answer in question["answers"]] == [0.3333333, 0.3333333, 0.3333333, -1.0]


def test_general_feedback_before_closing_brace():
    source = "What's 2+2? {\n  =4 #Right\n  ~3 #Wrong\n  ####Two and two make four.\n}"
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "multichoice",
        "text": "What's 2+2?",
        "general_feedback": "Two and two make four.",
        "answers": [choice("4", 1.0, "Right"), choice("3", 0.0, "Wrong")],
    }


# -- true/false ------------------------------------------------------------------


def test_true_false_statements_with_titles():
    source = (
        "// question: 0 name: TrueStatement using {T} style\n"
        "::TrueStatement about Grant::Grant was buried in a tomb in New York City.{T}\n"
        "\n"
        "// question: 0 name: FalseStatement using {FALSE} style\n"
        "::FalseStatement about sun::The sun rises in the West.{FALSE}\n"
    )
    result = parse_gift(source)
    assert result.errors == []
    assert [question.to_json() for question in result.questions] == [
        {
            **DEFAULTS,
            "title": "TrueStatement about Grant",
            "type": "truefalse",
            "text": "Grant was buried in a tomb in New York City.",
            "line": 2,
            "correct": True,
            "answers": [choice("true", 1.0), choice("false", 0.0)],
        },
        {
            **DEFAULTS,
            "title": "FalseStatement about sun",
            "type": "truefalse",
            "text": "The sun rises in the West.",
            "line": 5,
            "correct": False,
            "answers": [choice("true", 0.0), choice("false", 1.0)],
        },
    ]


@pytest.mark.parametrize("token", ["T", "TRUE", "F", "FALSE", "true", "f"])
def test_true_false_accepts_short_and_long_tokens(token):
    question = parse_one("Grant is buried in Grant's tomb.{%s}" % token)
    assert question["type"] == "truefalse"
    assert question["correct"] is (token.upper() in ("T", "TRUE"))


def test_true_false_first_feedback_is_for_the_wrong_answer():
    source = "   42 is the Absolute Answer to everything.{\nFALSE#42is the Ultimate Answer.#You gave the right answer.}"
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "truefalse",
        "text": "42 is the Absolute Answer to everything.",
        "correct": False,
        "answers": [
            # The statement is false, so answering "true" is the wrong answer.
            choice("true", 0.0, "42is the Ultimate Answer."),
            choice("false", 1.0, "You gave the right answer."),
        ],
    }


def test_true_statement_feedback_goes_to_false_then_true_choice():
    question = parse_one("The sun rises in the east.{T#No, it does.#Yes.####Astronomy 101}")
    assert question["correct"] is True
    assert question["answers"] == [choice("true", 1.0, "Yes."), choice("false", 0.0, "No, it does.")]
    assert question["general_feedback"] == "Astronomy 101"


def test_true_false_single_feedback_is_shown_for_wrong_answer():
    question = parse_one("Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.}")
    assert question["answers"] == [
        choice("true", 0.0, "No one is buried in Grant's tomb."),
        choice("false", 1.0, ""),
    ]


# -- short answer ------------------------------------------------------------------


def test_short_answer_accepts_every_equals_answer():
    assert parse_one("Who's buried in Grant's tomb?{=Grant =Ulysses S. Grant =Ulysses Grant}") == {
        **DEFAULTS,
        "type": "shortanswer",
        "text": "Who's buried in Grant's tomb?",
        "answers": [choice("Grant", 1.0), choice("Ulysses S. Grant", 1.0), choice("Ulysses Grant", 1.0)],
    }


def test_short_answer_before_full_stop_is_a_missing_word():
    assert parse_one("Two plus two equals {=four =4}.") == {
        **DEFAULTS,
        "type": "shortanswer",
        "text": "Two plus two equals _____.",
        "answers": [choice("four", 1.0), choice("4", 1.0)],
    }


def test_short_answer_with_weights_and_feedback():
    source = (
        "::Jesus' hometown:: Jesus Christ was from {\n"
        "   =Nazareth#Yes! That's right!\n"
        "   =%75%Nazereth#Right, but misspelled.\n"
        "   =%25%Bethlehem#He was born here, but not raised here.\n"
        "}"
    )
    question = parse_one(source)
    assert question["type"] == "shortanswer"
    assert question["answers"] == [
        choice("Nazareth", 1.0, "Yes! That's right!"),
        choice("Nazereth", 0.75, "Right, but misspelled."),
        choice("Bethlehem", 0.25, "He was born here, but not raised here."),
    ]


def test_single_short_answer_may_omit_equals_sign():
    source = "::Kanji Origins::Japanese characters originally\ncame from what country? {China}"
    assert parse_one(source) == {
        **DEFAULTS,
        "title": "Kanji Origins",
        "type": "shortanswer",
        "text": "Japanese characters originally\ncame from what country?",
        "answers": [choice("China", 1.0)],
    }


def test_short_answer_feedback_may_contain_an_arrow():
    question = parse_one("Flow? {=left#think a -> b}")
    assert question["type"] == "shortanswer"
    assert question["answers"] == [choice("left", 1.0, "think a -> b")]


# -- matching ----------------------------------------------------------------------


def test_matching_countries_with_capitals():
    source = (
        "Match the following countries with their corresponding capitals. {\n"
        "   =Canada -> Ottawa\n"
        "   =Italy  -> Rome\n"
        "   =Japan  -> Tokyo\n"
        "   =India  -> New Delhi\n"
        "   ####It's good to know the capitals\n"
        "   }"
    )
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "matching",
        "text": "Match the following countries with their corresponding capitals.",
        "general_feedback": "It's good to know the capitals",
        "pairs": [["Canada", "Ottawa"], ["Italy", "Rome"], ["Japan", "Tokyo"], ["India", "New Delhi"]],
    }


def test_matching_spare_answer_has_empty_question():
    question = parse_one("Match. {=cat -> cat food =dog -> dog food = -> bird seed}")
    assert question["pairs"] == [["cat", "cat food"], ["dog", "dog food"], ["", "bird seed"]]


# -- numerical ---------------------------------------------------------------------


def numeric(value, tolerance=0.0, fraction=1.0, feedback=""):
    return {"value": value, "tolerance": tolerance, "fraction": fraction, "feedback": feedback}


def test_numerical_answer_with_tolerance():
    assert parse_one("When was Ulysses S. Grant born?{#1822:5}") == {
        **DEFAULTS,
        "type": "numerical",
        "text": "When was Ulysses S. Grant born?",
        "answers": [numeric(1822.0, 5.0)],
    }


def test_numerical_missing_word():
    question = parse_one("Grant was born in {#1822:5}.")
    assert question["text"] == "Grant was born in _____."
    assert question["answers"] == [numeric(1822.0, 5.0)]


def test_numerical_decimal_tolerance_before_full_stop():
    question = parse_one("What is the value of pi (to 3 decimal places)? {#3.14159:0.0005}.")
    assert question["text"] == "What is the value of pi (to 3 decimal places)? _____."
    assert question["answers"] == [numeric(3.14159, 0.0005)]


def test_numerical_range_gives_min_and_max():
    question = parse_one("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    assert question["answers"] == [{"min": 3.141, "max": 3.142, "fraction": 1.0, "feedback": ""}]


def test_numerical_negative_range():
    question = parse_one("Pick a negative number {#-5..-1}")
    assert question["answers"] == [{"min": -5.0, "max": -1.0, "fraction": 1.0, "feedback": ""}]


def test_multiple_numerical_answers_with_weights_and_feedback():
    source = (
        "When was Ulysses S. Grant born? {#\n"
        "    =1822:0      # Correct! Full credit.\n"
        "    =%50%1822:2  # He was born in 1822. Half credit for being close.\n"
        "}"
    )
    assert parse_one(source) == {
        **DEFAULTS,
        "type": "numerical",
        "text": "When was Ulysses S. Grant born?",
        "answers": [
            numeric(1822.0, 0.0, 1.0, "Correct! Full credit."),
            numeric(1822.0, 2.0, 0.5, "He was born in 1822. Half credit for being close."),
        ],
    }


def test_numerical_catch_all_answers():
    source = "When was Grant born? {# =1822 =%0%*#Way off ~#Not even close}"
    assert parse_one(source)["answers"] == [
        numeric(1822.0),
        {"value": "*", "fraction": 0.0, "feedback": "Way off"},
        {"value": "*", "fraction": 0.0, "feedback": "Not even close"},
    ]


# -- essay, description, options ---------------------------------------------------


def test_essay_has_empty_answer_block():
    assert parse_one("Write a short biography of Dag Hammarskjöld. {}") == {
        **DEFAULTS,
        "type": "essay",
        "text": "Write a short biography of Dag Hammarskjöld.",
    }


def test_question_without_answer_block_is_a_description():
    assert parse_one("You can use your pencil and paper for these next math questions.") == {
        **DEFAULTS,
        "type": "description",
        "text": "You can use your pencil and paper for these next math questions.",
    }


def test_category_applies_to_following_questions():
    source = (
        "Before any category {T}\n"
        "\n"
        "$CATEGORY: tom/dick/harry\n"
        "\n"
        "In harry {F}\n"
        "\n"
        "Also in harry {}\n"
        "\n"
        "$CATEGORY: mycategory\n"
        "\n"
        "In mycategory {T}\n"
    )
    result = parse_gift(source)
    assert result.errors == []
    assert [(q.text, q.category, q.line) for q in result.questions] == [
        ("Before any category", None, 1),
        ("In harry", "tom/dick/harry", 5),
        ("Also in harry", "tom/dick/harry", 7),
        ("In mycategory", "mycategory", 11),
    ]


def test_empty_category_line_goes_back_to_no_category():
    result = parse_gift("$CATEGORY: a\n\nQ1 {T}\n\n$CATEGORY:\n\nQ2 {T}")
    assert [q.category for q in result.questions] == ["a", None]


def test_escaped_control_characters_are_literal():
    source = "Which answer equals 5? {\n   ~ \\= 2 + 2\n   = \\= 2 + 3\n   ~ \\= 2 + 4\n}"
    assert parse_one(source)["answers"] == [
        choice("= 2 + 2", 0.0),
        choice("= 2 + 3", 1.0),
        choice("= 2 + 4", 0.0),
    ]


def test_every_control_character_can_be_escaped():
    source = (
        "::GIFT Control Characters::\n"
        "Which of the following is NOT a control character for the GIFT import format? {\n"
        "  ~ \\~     # \\~ is a control character.\n"
        "  ~ \\=     # \\= is a control character.\n"
        "  ~ \\#     # \\# is a control character.\n"
        "  ~ \\{     # \\{ is a control character.\n"
        "  ~ \\}     # \\} is a control character.\n"
        "  = \\      # Correct! \\ (backslash) is not a control character.\n"
        "}"
    )
    question = parse_one(source)
    assert question["title"] == "GIFT Control Characters"
    assert question["answers"] == [
        choice("~", 0.0, "~ is a control character."),
        choice("=", 0.0, "= is a control character."),
        choice("#", 0.0, "# is a control character."),
        choice("{", 0.0, "{ is a control character."),
        choice("}", 0.0, "} is a control character."),
        choice("\\", 1.0, "Correct! \\ (backslash) is not a control character."),
    ]


def test_escaped_colons_newline_and_backslash_in_title_and_text():
    question = parse_one("::Ratio 1\\:2::Line one\\nline two: a\\\\b {T}")
    assert question["title"] == "Ratio 1:2"
    assert question["text"] == "Line one\nline two: a\\b"


def test_markdown_format_marker_sets_format():
    source = "[markdown]The *American holiday of Thanksgiving* is celebrated on the {\n   ~second\n   ~third\n   =fourth\n} Thursday of November."
    question = parse_one(source)
    assert question["format"] == "markdown"
    assert question["text"] == "The *American holiday of Thanksgiving* is celebrated on the _____ Thursday of November."


@pytest.mark.parametrize("marker", ["html", "plain", "moodle", "markdown"])
def test_format_marker_after_title(marker):
    question = parse_one("::T::[%s]<b>Bold</b>? {T}" % marker)
    assert (question["format"], question["text"]) == (marker, "<b>Bold</b>?")


def test_unknown_bracket_text_is_part_of_the_question():
    question = parse_one("[note] Read carefully {T}")
    assert (question["format"], question["text"]) == ("moodle", "[note] Read carefully")


def test_comment_lines_are_ignored_even_inside_a_question():
    source = "// Subheading: Numerical questions below\nWhat's 2 plus 2? {\n// the answer\n#4}\n//  [id:123] [tag:basic]"
    question = parse_one(source)
    assert (question["type"], question["line"]) == ("numerical", 2)
    assert question["answers"] == [numeric(4.0)]


def test_quick_examples_from_the_documentation():
    source = """// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// math range specified with interval end points
::Q6:: What is a number from 1 to 5? {#1..5}
// translated on import to the same as Q5, but unavailable from Moodle question interface

// multiple numeric answers with partial credit and feedback
::Q7:: When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
}

// essay
::Q8:: How are you? {}
"""
    result = parse_gift(source)
    summary = [(q.title, q.type, q.text, q.line) for q in result.questions]
    assert summary == [
        ("Q1", "truefalse", "1+1=2", 2),
        ("Q2", "multichoice", "What's between orange and green in the spectrum?", 5),
        ("Q3", "shortanswer", "Two plus _____ equals four.", 9),
        ("Q5", "numerical", "What is a number from 1 to 5?", 15),
        ("Q6", "numerical", "What is a number from 1 to 5?", 18),
        ("Q7", "numerical", "When was Ulysses S. Grant born?", 22),
        ("Q8", "essay", "How are you?", 28),
    ]
    assert result.questions[1].to_json()["answers"] == [
        choice("yellow", 1.0, "right; good!"),
        choice("red", 0.0, "wrong, it's yellow"),
        choice("blue", 0.0, "wrong, it's yellow"),
    ]
    # Two pairs are fewer than the three the documentation requires.
    assert [error.line for error in result.errors] == [12]
    assert "at least 3 pairs" in result.errors[0].message


def test_result_serialises_to_the_import_gift_json_shape():
    result = parse_gift("::A::Pick {=a ~b}\n\nBroken {#six}")
    data = json.loads(json.dumps(result.to_json()))
    assert data == {
        "questions": [
            {
                **DEFAULTS,
                "title": "A",
                "type": "multichoice",
                "text": "Pick",
                "answers": [choice("a", 1.0), choice("b", 0.0)],
            }
        ],
        "errors": [{"line": 3, "message": "numerical answer 'six' is not a number"}],
    }
    assert str(result.errors[0]) == "line 3: numerical answer 'six' is not a number"


def test_windows_line_endings_and_byte_order_mark():
    result = parse_gift("\ufeff// c\r\nQ1 {T}\r\n\r\nQ2 {F}\r\n")
    assert [(q.text, q.line) for q in result.questions] == [("Q1", 2), ("Q2", 4)]


# -- errors ------------------------------------------------------------------------

MALFORMED = [
    pytest.param("Q1 {T}\n\nWhat is it? {\n  =a\n  ~b\n", 3, "'{' is never closed", id="unclosed-brace"),
    pytest.param(
        "Q {=a\n~b\n\n~c}", 1, "a blank line cuts the question before the '}' on line 4", id="blank-line-in-block"
    ),
    pytest.param("Broken } here {T}", 1, "'}' without a matching '{'", id="stray-closing-brace"),
    pytest.param("Q {=a {=b}", 1, "'{' inside an answer block", id="nested-brace"),
    pytest.param("Q {=a ~b}\nand {=c ~d}", 2, "only one", id="two-answer-blocks"),
    pytest.param("Q {}\n\n\nHow many? {#six}", 4, "numerical answer 'six' is not a number", id="number-word"),
    pytest.param("Pi? {#3,14}", 1, "'3,14' is not a number (use '.' as the decimal point)", id="comma-decimal"),
    pytest.param("Q {#\n  =1\n  =%50%x:1\n}", 3, "numerical answer 'x' is not a number", id="bad-second-number"),
    pytest.param("Q {#1:abc}", 1, "numerical tolerance 'abc' is not a number", id="bad-tolerance"),
    pytest.param("Q {#5..1}", 1, "minimum above its maximum", id="reversed-range"),
    pytest.param("Q {#1..x}", 1, "range maximum 'x' is not a number", id="bad-range"),
    pytest.param("Q {#}", 1, "numerical question has no answers", id="empty-numerical"),
    pytest.param("Q {#=%0%1}", 1, "no answer with a positive weight", id="numerical-no-credit"),
    pytest.param("Pick {~a ~b ~c}", 1, "no correct answer", id="multichoice-no-correct"),
    pytest.param("Pick {~%-50%a ~b}", 1, "no correct answer", id="multichoice-only-negative"),
    pytest.param("Pick {=a}\n\nPick {~only}", 3, "at least two answers", id="multichoice-one-answer"),
    pytest.param("Pick {\n=a\n~%abc%b\n}", 3, "invalid answer weight '%abc%'", id="invalid-weight"),
    pytest.param("Pick {=a ~%50 b}", 1, "has no closing '%'", id="unclosed-weight"),
    pytest.param("Pick {=a ~%150%b}", 1, "outside -100..100", id="weight-out-of-range"),
    pytest.param("Pick {=a ~}", 1, "empty answer after '~'", id="empty-answer"),
    pytest.param("Pick {hello ~a =b}", 1, "unexpected text 'hello' before the first answer", id="text-before-answers"),
    pytest.param(
        "Match {\n=a -> 1\n=b 2\n=c -> 3\n}", 3, "matching pair 'b 2' has no '->'", id="matching-pair-without-arrow"
    ),
    pytest.param("Match {=a -> 1 =b -> 2}", 1, "at least 3 pairs", id="matching-two-pairs"),
    pytest.param("Match {=a -> 1 = -> 2 = -> 3}", 1, "with 1 sub-questions", id="matching-one-sub-question"),
    pytest.param("Match {=a -> 1 =b -> =c -> 3}", 1, "has no answer after '->'", id="matching-empty-answer"),
    pytest.param("Match {=a -> 1#fb =b -> 2 =c -> 3}", 1, "do not support answer feedback", id="matching-feedback"),
    pytest.param("Sun? {T#a#b#c}", 1, "more than two feedbacks", id="truefalse-extra-feedback"),
    pytest.param("Sun? {TRUE FALSE}", 1, "must be one of T, TRUE, F, FALSE", id="truefalse-two-tokens"),
    pytest.param("Sun? {TRUE =x}", 1, "unexpected text 'TRUE' before the first answer", id="truefalse-mixed"),
    pytest.param("Who? {=%-100%nobody}", 1, "short-answer question has no answer", id="shortanswer-no-credit"),
    pytest.param("::Unclosed title {T}", 1, "title starting with '::' is not closed", id="unclosed-title"),
    pytest.param("::Only a title::", 1, "question has no text", id="title-only"),
    pytest.param("{T}", 1, "question has no text", id="no-text"),
]


@pytest.mark.parametrize(("source", "line", "message"), MALFORMED)
def test_malformed_question_reports_line_and_problem(source, line, message):
    result = parse_gift(source)
    assert len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert error.line == line
    assert message in error.message


def test_number_word_in_numerical_answer_is_an_error():
    result = parse_gift("How many sides has a hexagon? {#six}")
    assert result.questions == []
    assert result.errors == [GiftError(line=1, message="numerical answer 'six' is not a number")]


def test_errors_do_not_stop_the_following_questions():
    source = "Good one {T}\n\nBad one {~a ~b}\n\n// note\nAnother good one {=x ~y}\n\nBad again {#1..x}\n"
    result = parse_gift(source)
    assert [q.text for q in result.questions] == ["Good one", "Another good one"]
    assert [(e.line, "no correct answer" in e.message or "range maximum" in e.message) for e in result.errors] == [
        (3, True),
        (8, True),
    ]


def test_every_bad_answer_of_a_question_is_reported():
    result = parse_gift("Q {#\n =one\n =2\n =three\n}")
    assert [(e.line, e.message) for e in result.errors] == [
        (2, "numerical answer 'one' is not a number"),
        (4, "numerical answer 'three' is not a number"),
    ]
