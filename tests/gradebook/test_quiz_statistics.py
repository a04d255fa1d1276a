"""Quiz statistics: distribution, facility and discrimination on hand-made data, and on real attempts."""

import re
import math

import pytest
from django.urls import reverse

from gradebook.histogram import histogram_bars
from gradebook.item_analysis import AttemptResult, Choice, QuestionInfo, ResponseScore, quiz_statistics
from gradebook.selectors import quiz_statistics_for
from quizzes.services import attempt_start, attempt_submit
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db

CHOICES = (Choice("a", "La bonne", 1.0), Choice("b", "Une autre", 0.0), Choice("c", "La dernière", 0.0))
QUESTIONS = [
    QuestionInfo(1, "Q1", "multichoice", CHOICES),
    QuestionInfo(2, "Q2", "shortanswer"),
    QuestionInfo(3, "Q3", "truefalse"),
    QuestionInfo(4, "Q4 everyone right", "truefalse"),
    QuestionInfo(5, "Q5 nobody right", "truefalse"),
]


def attempt_of(q1, q2, q3, q1_answer):
    scores = [q1, q2, q3, 1, 0]
    responses = tuple(
        ResponseScore(question_id=n, score=float(s), fraction=float(s), answer=q1_answer if n == 1 else "x")
        for n, s in enumerate(scores, start=1)
    )
    return AttemptResult(total=float(sum(scores)), max_total=5.0, responses=responses)


# Four students; the rest of the test is the total minus the question.
ATTEMPTS = [
    attempt_of(1, 1, 0, "a"),  # total 3 → 60 %
    attempt_of(1, 1, 1, "a"),  # 4 → 80 %
    attempt_of(0, 1, 1, "b"),  # 3 → 60 %
    attempt_of(0, 0, 1, None),  # 2 → 40 %
]


def test_distribution_mean_and_median():
    stats = quiz_statistics(QUESTIONS, ATTEMPTS)

    assert stats.attempts == 4
    assert stats.mean == pytest.approx(60.0) and stats.median == pytest.approx(60.0)
    assert stats.histogram == [0, 0, 0, 0, 1, 0, 2, 0, 1, 0]


def test_facility_and_discrimination_by_hand():
    items = {item.question.id: item for item in quiz_statistics(QUESTIONS, ATTEMPTS).items}

    # Q1: item [1, 1, 0, 0], rest [2, 3, 3, 2] (Q4 adds 1 to everyone): deviations cancel, r = 0.
    assert items[1].facility == pytest.approx(0.5)
    assert items[1].discrimination == pytest.approx(0.0, abs=1e-12)
    # Q2: item [1, 1, 1, 0], rest [2, 3, 2, 2]: Sxy = 0.25, Sxx = 0.75, Syy = 0.75 → r = 1/3.
    assert items[2].facility == pytest.approx(0.75)
    assert items[2].discrimination == pytest.approx(1 / 3)
    # Q3: item [0, 1, 1, 1], rest [3, 3, 2, 1]: Sxy = -0.75, Sxx = 0.75, Syy = 2.75 → r = -0.522.
    assert items[3].discrimination == pytest.approx(-0.75 / math.sqrt(0.75 * 2.75))
    # Everyone scored the same on Q4 and Q5: no spread, no discrimination.
    assert items[4].facility == 1.0 and items[4].discrimination is None
    assert items[5].facility == 0.0 and items[5].discrimination is None


def test_questions_are_flagged_for_negative_discrimination_or_extreme_facility():
    flags = {item.question.id: item.flags for item in quiz_statistics(QUESTIONS, ATTEMPTS).items}

    assert flags == {1: [], 2: [], 3: ["negative_discrimination"], 4: ["too_easy"], 5: ["too_hard"]}


def test_how_often_each_choice_was_picked():
    q1 = next(item for item in quiz_statistics(QUESTIONS, ATTEMPTS).items if item.question.id == 1)

    assert [(c.choice.id, c.count, c.percent) for c in q1.choices] == [("a", 2, 50.0), ("b", 1, 25.0), ("c", 0, 0.0)]
    assert q1.unanswered == 1


def test_histogram_bars_scale_to_the_tallest_band():
    bars = histogram_bars([0, 0, 0, 0, 1, 0, 2, 0, 1, 0])

    heights = [bar.height for bar in bars.bars]
    assert heights[6] == max(heights) and heights[4] == heights[6] / 2 and heights[0] == 0
    assert (bars.bars[-1].low, bars.bars[-1].high) == (90, 100)


GIFT = """
::Un:: Capitale ? {=Québec ~Montréal ~Gatineau}

::Deux:: Couleur du ciel ? {=Bleu ~Vert}

::Trois:: Le fleuve coule vers l’est. {T}
"""


def take(quiz, user, answers):
    attempt = attempt_start(quiz=quiz, user=user)
    questions = {q.title: q for q in quiz.questions.all()}
    payload = {}
    for title, text in answers.items():
        question = questions[title]
        if question.type == "truefalse":
            payload[str(question.pk)] = text
        else:
            payload[str(question.pk)] = next(a["id"] for a in question.data["answers"] if a["text"] == text)
    return attempt_submit(attempt_id=attempt.pk, answers=payload)


def test_statistics_page_on_real_attempts_uses_each_students_first_attempt(client):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, GIFT, max_attempts=None)
    instructor = EnrollmentFactory(course=lesson.course, role="instructor").user
    good, weak, mixed = (EnrollmentFactory(course=lesson.course).user for _ in range(3))
    take(quiz, good, {"Un": "Québec", "Deux": "Bleu", "Trois": "true"})
    take(quiz, weak, {"Un": "Montréal", "Deux": "Vert", "Trois": "false"})
    take(quiz, weak, {"Un": "Québec", "Deux": "Bleu", "Trois": "true"})  # a second attempt: not analysed
    take(quiz, mixed, {"Un": "Gatineau", "Deux": "Bleu", "Trois": "true"})
    attempt_start(quiz=quiz, user=instructor, preview=True)

    stats = quiz_statistics_for(quiz=quiz)

    assert stats.attempts == 3
    un = next(item for item in stats.items if item.question.title == "Un")
    assert un.facility == pytest.approx(1 / 3)
    assert [(c.choice.text, c.count) for c in un.choices] == [("Québec", 1), ("Montréal", 1), ("Gatineau", 1)]
    client.force_login(instructor)
    page = client.get(reverse("courses:gradebook:quiz", kwargs={"course": lesson.course.slug, "lesson": lesson.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and 'role="img"' in html and "<caption>" in html
    # No asset from another origin (a random CSRF token may well contain the letters "cdn").
    assert not re.search(r'(src|href)="(https?:)?//', html) and "<script" not in html.split("<footer")[0].split("</header>")[1]
