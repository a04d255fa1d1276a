"""Property tests (hypothesis): the GIFT parser and short-answer grading never raise and their cost
grows linearly, up to the bounds of what the studio and the quiz page accept (issue 20).

Grading goes through `grade_response`, the grader's public entry point, so the test holds whatever
the normaliser behind it becomes."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from quizzes.gift import parse_gift
from quizzes.grading import grade_response
from tests.linearity import PROPERTY_SETTINGS, assert_linear_on, texts_with_runs

GIFT_ALPHABET = " \n{}=~#:%\\->.1TF*[]$/aé\ue000"
GIFT = st.one_of(st.text(alphabet=st.sampled_from(list(GIFT_ALPHABET)), max_size=200), texts_with_runs(GIFT_ALPHABET))
TYPED = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=100)


@settings(**PROPERTY_SETTINGS, suppress_health_check=[HealthCheck.too_slow])
@given(GIFT)
def test_gift_parser_never_raises_and_is_linear(text):
    result = parse_gift(text)
    for error in result.errors:
        assert error.line >= 1
    assert_linear_on(parse_gift, text, size=5_000)


def short_answer(answer_text):
    return {"type": "shortanswer", "answers": [{"id": "a1", "text": answer_text, "fraction": 1.0, "feedback": ""},
                                                {"id": "a2", "text": "*", "fraction": 0.0, "feedback": ""}]}


@settings(**PROPERTY_SETTINGS, suppress_health_check=[HealthCheck.too_slow])
@given(TYPED, TYPED)
def test_short_answer_grading_never_raises_and_is_linear(typed, key):
    result = grade_response(short_answer(key), typed)
    assert result.fraction is None or 0.0 <= result.fraction <= 1.0
    question = short_answer(key * 10)
    assert_linear_on(lambda response: grade_response(question, response), typed, size=1_000)
