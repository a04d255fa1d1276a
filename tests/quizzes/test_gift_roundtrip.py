"""write_gift output must read back through parse_gift unchanged."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes.gift import GAP, GiftAnswer, GiftQuestion, parse_gift, truefalse_answers, write_gift

# Control characters, accents, the backslash and look-alikes of GIFT syntax
# ("%", "[", "/", "_", "*", ".", "-", ">") so that escaping gets exercised.
ALPHABET = "abcXYZ019 éàüñçØß€~=#{}:\\%[]/_*.->\n'\""
FRACTIONS = [1.0, 0.5, 1 / 3, 2 / 3, 0.25, 0.2, 0.1, 1 / 7, 0.05, 0.0, -0.5, -1 / 3, -1.0]
FORMATS = ["moodle", "markdown", "html", "plain"]
CATEGORIES = [None, None, "top", "top/Mathématiques/Algèbre", "$course$/Quiz 1"]

# Round trips are exact except for fractions, which the parser rounds to 7
# decimals; compare those to 6 so 1/3 and 0.3333333 count as the same.
FRACTION_DIGITS = 6


def clean(text):
    # The parser strips surrounding whitespace; newlines survive as "\n" escapes.
    return text.strip(" ")


def texts(min_size=1, max_size=20):
    return st.text(ALPHABET, min_size=min_size, max_size=max_size).map(clean).filter(lambda t: len(t) >= min_size)


def optional_texts():
    return st.one_of(st.just(""), texts())


arrowless_texts = texts().filter(lambda t: "->" not in t)
numbers = st.floats(min_value=-1e7, max_value=1e7, allow_nan=False, allow_infinity=False)
tolerances = st.one_of(st.just(0.0), st.floats(min_value=0, max_value=1e4, allow_nan=False))


@st.composite
def question_texts(draw, with_gap=True):
    text = draw(texts(max_size=40))
    if with_gap and draw(st.booleans()):
        cut = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:cut] + GAP + text[cut:]
    return text


@st.composite
def choice_answers(draw, min_size, max_size, text_strategy=None):
    if text_strategy is None:
        text_strategy = texts()
    size = draw(st.integers(min_size, max_size))
    return [
        GiftAnswer(text=draw(text_strategy), fraction=draw(st.sampled_from(FRACTIONS)), feedback=draw(optional_texts()))
        for _ in range(size)
    ]


@st.composite
def multichoice_answers(draw):
    answers = draw(choice_answers(2, 5))
    answers[draw(st.integers(0, len(answers) - 1))].fraction = 1.0
    return answers


@st.composite
def multi_answer_answers(draw):
    answers = draw(choice_answers(2, 5))
    positive = [answer for answer in answers if answer.fraction > 0]
    # A single positive 100% answer without "=" reads as plain multichoice.
    if not positive or (len(positive) == 1 and positive[0].fraction == 1.0):
        answers[0].fraction = 0.5
        answers[1].fraction = 0.5
    return answers


@st.composite
def shortanswer_answers(draw):
    answers = draw(choice_answers(1, 4, arrowless_texts))
    if not any(answer.fraction > 0 for answer in answers):
        answers[0].fraction = 1.0
    return answers


@st.composite
def matching_pairs(draw):
    pairs = [(draw(arrowless_texts), draw(texts())) for _ in range(draw(st.integers(2, 4)))]
    pairs += [("", draw(texts())) for _ in range(draw(st.integers(0, 2)))]
    if len(pairs) < 3:
        pairs.append((draw(arrowless_texts), draw(texts())))
    return pairs


@st.composite
def numerical_answers(draw):
    answers = []
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["value", "value", "range", "catch_all"]))
        fraction = draw(st.sampled_from(FRACTIONS))
        feedback = draw(optional_texts())
        if kind == "value":
            answer = GiftAnswer(value=draw(numbers), tolerance=draw(tolerances))
        elif kind == "range":
            low, high = sorted([draw(numbers), draw(numbers)])
            answer = GiftAnswer(min=low, max=high)
        else:
            answer = GiftAnswer(value="*")
        answer.fraction, answer.feedback = fraction, feedback
        answers.append(answer)
    if not any(answer.fraction > 0 for answer in answers):
        answers[0].fraction = 1.0
    return answers


@st.composite
def questions(draw):
    kind = draw(
        st.sampled_from(
            ["multichoice", "multichoice_multi", "truefalse", "shortanswer", "matching", "numerical", "essay", "description"]
        )
    )
    question = GiftQuestion(
        type=kind,
        text=draw(question_texts(with_gap=kind != "description")),
        title=draw(optional_texts()),
        format=draw(st.sampled_from(FORMATS)),
        general_feedback="" if kind == "description" else draw(optional_texts()),
        category=draw(st.sampled_from(CATEGORIES)),
    )
    if kind == "multichoice":
        question.answers = draw(multichoice_answers())
    elif kind == "multichoice_multi":
        question.answers = draw(multi_answer_answers())
    elif kind == "shortanswer":
        question.answers = draw(shortanswer_answers())
    elif kind == "numerical":
        question.answers = draw(numerical_answers())
    elif kind == "matching":
        question.pairs = draw(matching_pairs())
    elif kind == "truefalse":
        question.correct = draw(st.booleans())
        question.answers = truefalse_answers(question.correct, draw(optional_texts()), draw(optional_texts()))
    return question


def comparable(question):
    data = question.to_json()
    del data["line"]
    for answer in data["answers"]:
        answer["fraction"] = round(answer["fraction"], FRACTION_DIGITS) + 0.0
    return data


@settings(max_examples=100, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=4))
def test_written_questions_parse_back_equal(originals):
    source = write_gift(originals)
    result = parse_gift(source)
    assert result.errors == [], source
    assert [comparable(q) for q in result.questions] == [comparable(q) for q in originals], source


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200) | st.text("{}~=#:%\\-> \nT1.*abc/$CATEGORY", max_size=200))
def test_parser_never_raises_on_arbitrary_text(source):
    result = parse_gift(source)
    for error in result.errors:
        assert error.line >= 1 and error.message


@settings(max_examples=50, deadline=None)
@given(st.lists(questions(), min_size=1, max_size=3))
def test_writing_parsed_questions_again_gives_the_same_text(originals):
    once = write_gift(originals)
    assert write_gift(parse_gift(once).questions) == once


def test_writer_uses_moodle_syntax():
    questions = [
        GiftQuestion(
            type="multichoice",
            title="Grant",
            text="Who's buried in Grant's tomb?",
            answers=[GiftAnswer("Grant", 0.0), GiftAnswer("no one", 1.0, "Yes: nobody")],
            category="tom/dick/harry",
        ),
        GiftQuestion(
            type="multichoice_multi",
            text="Moodle costs _____ to download.",
            format="markdown",
            answers=[GiftAnswer("a lot", 1 / 3), GiftAnswer("nothing", 2 / 3), GiftAnswer("{free}", -1.0)],
            category="tom/dick/harry",
        ),
        GiftQuestion(
            type="truefalse",
            text="The sun rises in the West.",
            correct=False,
            answers=truefalse_answers(False, feedback_true="It rises in the east.", feedback_false="Right."),
            general_feedback="Astronomy",
        ),
        GiftQuestion(
            type="numerical",
            text="Pi?",
            answers=[GiftAnswer(fraction=1.0, value=3.14159, tolerance=0.0005), GiftAnswer(value="*", feedback="Nope")],
        ),
        GiftQuestion(
            type="numerical",
            text="When was Grant born?",
            answers=[GiftAnswer(fraction=1.0, value=1822.0, tolerance=5.0)],
        ),
        GiftQuestion(type="matching", text="Match", pairs=[("a", "1"), ("b", "2"), ("", "3")]),
    ]
    assert write_gift(questions) == (
        "$CATEGORY: tom/dick/harry\n"
        "\n"
        "::Grant:: Who's buried in Grant's tomb? {\n"
        "    ~Grant\n"
        "    =no one#Yes\\: nobody\n"
        "}\n"
        "\n"
        "[markdown]Moodle costs {\n"
        "    ~%33.33333%a lot\n"
        "    ~%66.66667%nothing\n"
        "    ~%-100%\\{free\\}\n"
        "} to download.\n"
        "\n"
        "$CATEGORY:\n"
        "\n"
        "The sun rises in the West. {FALSE#It rises in the east.#Right.####Astronomy}\n"
        "\n"
        "Pi? {#\n"
        "    =3.14159:0.0005\n"
        "    ~#Nope\n"
        "}\n"
        "\n"
        "When was Grant born? {#1822:5}\n"
        "\n"
        "Match {\n"
        "    =a -> 1\n"
        "    =b -> 2\n"
        "    = -> 3\n"
        "}\n"
    )


def test_writer_protects_text_that_looks_like_syntax():
    question = GiftQuestion(
        type="shortanswer",
        text="// not a comment [html]",
        answers=[GiftAnswer("%50% sure", 1.0), GiftAnswer("T", 0.5)],
    )
    source = write_gift([question])
    assert source.startswith("[moodle]//")
    assert comparable(parse_gift(source).questions[0]) == comparable(question)


@pytest.mark.parametrize(
    "question",
    [
        GiftQuestion(type="shortanswer", text="Q", answers=[GiftAnswer("a -> b", 1.0)]),
        GiftQuestion(type="matching", text="Q", pairs=[("a -> b", "1"), ("c", "2"), ("d", "3")]),
        GiftQuestion(type="description", text="Q", general_feedback="lost"),
    ],
    ids=["shortanswer-arrow", "matching-arrow", "description-feedback"],
)
def test_writer_refuses_what_gift_cannot_express(question):
    with pytest.raises(ValueError):
        write_gift([question])
