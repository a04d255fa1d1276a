"""A numerical question's correct answer is written with the reader's decimal mark: « 2,5 ± 0,1 » in French."""

from django.utils import translation

from quizzes.models import Question
from quizzes.selectors import AttemptItem


def item(answers) -> AttemptItem:
    question = Question(type=Question.Type.NUMERICAL, data={"answers": answers})
    return AttemptItem(number=1, question=question, response=None, choices=[], options=[])


def test_the_correct_numerical_answer_has_a_decimal_comma_in_french_and_a_point_in_english():
    tolerance = item([{"value": 2.5, "tolerance": 0.1, "fraction": 1}])
    span = item([{"min": 1.5, "max": 3, "fraction": 1}, {"value": "*", "fraction": 0}])
    with translation.override("fr-ca"):
        assert tolerance.review()["correct"] == ["2,5 ± 0,1"]
        assert span.review()["correct"] == ["1,5 – 3"]
    with translation.override("en"):
        assert tolerance.review()["correct"] == ["2.5 ± 0.1"]
