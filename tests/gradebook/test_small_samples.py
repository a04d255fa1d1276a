"""Small samples said plainly: below ITEM_ANALYSIS_MIN_ATTEMPTS answers a question's figures show as
« échantillon trop petit » and flag nothing, on the statistics page and in the weekly digest."""

import pytest
from django.urls import reverse
from django.utils import timezone

from gradebook.item_analysis import quiz_statistics
from reminders.digest import instructor_digest_content
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.gradebook.test_quiz_statistics import ATTEMPTS, GIFT, QUESTIONS, take

pytestmark = pytest.mark.django_db


def test_no_flag_below_the_minimum_and_the_same_flags_from_it():
    below = {item.question.id: item for item in quiz_statistics(QUESTIONS, ATTEMPTS, min_responses=5).items}
    enough = {item.question.id: item.flags for item in quiz_statistics(QUESTIONS, ATTEMPTS, min_responses=4).items}

    assert all(item.sample_too_small and item.flags == [] for item in below.values())
    assert below[3].discrimination < 0  # the figure is still there, only the verdict waits
    assert enough == {1: [], 2: [], 3: ["negative_discrimination"], 4: ["too_easy"], 5: ["too_hard"]}


@pytest.fixture
def three_attempts():
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, GIFT, max_attempts=None)
    instructor = EnrollmentFactory(course=lesson.course, role="instructor").user
    good, weak, mixed = (EnrollmentFactory(course=lesson.course).user for _ in range(3))
    # "Un" is missed by the best student: a negative discrimination from three people.
    take(quiz, good, {"Un": "Montréal", "Deux": "Bleu", "Trois": "true"})
    take(quiz, weak, {"Un": "Québec", "Deux": "Vert", "Trois": "false"})
    take(quiz, mixed, {"Un": "Québec", "Deux": "Bleu", "Trois": "false"})
    return {"lesson": lesson, "instructor": instructor}


def test_statistics_page_says_the_sample_is_too_small_under_the_default_minimum(client, three_attempts, settings):
    assert settings.ITEM_ANALYSIS_MIN_ATTEMPTS == 10
    lesson = three_attempts["lesson"]
    client.force_login(three_attempts["instructor"])
    url = reverse("courses:gradebook:quiz", kwargs={"course": lesson.course.slug, "lesson": lesson.slug})

    html = client.get(url).content.decode()
    assert html.count('data-testid="sample-too-small"') == 3
    assert "échantillon trop petit" in html and "discrimination négative" not in html.split('data-testid="item-analysis"')[1]

    settings.ITEM_ANALYSIS_MIN_ATTEMPTS = 3
    html = client.get(url).content.decode()
    assert 'data-testid="sample-too-small"' not in html
    assert "discrimination négative" in html.split('data-testid="item-analysis"')[1]


def test_the_weekly_digest_skips_questions_from_a_small_sample(three_attempts, settings):
    course = three_attempts["lesson"].course

    assert instructor_digest_content(course, timezone.now())["flagged_questions"] == []
    settings.ITEM_ANALYSIS_MIN_ATTEMPTS = 3
    flagged = instructor_digest_content(course, timezone.now())["flagged_questions"]
    assert any(item["title"] == "Un" and "discrimination négative" in item["reason"] for item in flagged)
