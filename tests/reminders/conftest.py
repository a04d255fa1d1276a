import datetime

import pytest
from django.utils import timezone

from quizzes.models import Attempt, Quiz
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


@pytest.fixture
def quiz_due(now):
    """A quiz due in 40 hours in a fresh course, with three students and an instructor."""
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, due_at=now + datetime.timedelta(hours=40))
    return quiz


@pytest.fixture
def cohort(quiz_due):
    course = quiz_due.lesson.course
    return {
        "students": [EnrollmentFactory(course=course).user for _ in range(3)],
        "instructor": EnrollmentFactory(course=course, role="instructor").user,
    }


def submit(quiz: Quiz, user, when):
    return Attempt.objects.create(
        quiz=quiz, user=user, number=1, status=Attempt.Status.SUBMITTED, started_at=when, submitted_at=when, score=1, max_score=1
    )
