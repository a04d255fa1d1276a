"""What a result page may tell before the review policy allows it, and where an instructor's preview never shows up."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from quizzes.models import Attempt, Response
from gradebook.selectors import gradebook_rows, quiz_statistics_for
from quizzes.selectors import essay_queue
from tests.factories import EnrollmentFactory, LessonFactory, answers_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db

PER_QUESTION_MARK = re.compile(r"\b[01](,\d+)? / 1\b")


@pytest.fixture
def lesson():
    return LessonFactory()


@pytest.fixture
def learner(lesson):
    return EnrollmentFactory(course=lesson.course).user


@pytest.fixture
def teacher(lesson):
    return EnrollmentFactory(course=lesson.course, role=Enrollment.Role.INSTRUCTOR).user


def submitted_result_page(client, lesson, user, preview=False, **answers):
    client.force_login(user)
    course = lesson.course.slug
    client.post(reverse("courses:quizzes:start", kwargs={"course": course, "lesson": lesson.slug}), {"preview": "1"} if preview else {})
    attempt = Attempt.objects.get(user=user, status="in_progress")
    kwargs = {"course": course, "attempt": attempt.pk}
    client.post(reverse("courses:quizzes:take", kwargs=kwargs), answers_by_title(attempt, **answers))
    client.post(reverse("courses:quizzes:confirm", kwargs=kwargs))
    return attempt, client.get(reverse("courses:quizzes:result", kwargs=kwargs)).content.decode()


def graded_essay_page(client, lesson, learner, teacher, attempt):
    essay = Response.objects.get(attempt=attempt, question__title="Essai")
    client.force_login(teacher)
    client.post(reverse("courses:quizzes:essays", kwargs={"course": lesson.course.slug}),
                {"response": essay.pk, "score": "0", "comment": "Hors sujet."})
    client.force_login(learner)
    return client.get(reverse("courses:quizzes:result", kwargs={"course": lesson.course.slug, "attempt": attempt.pk})).content.decode()


@pytest.mark.parametrize("policy, due_in_hours", [("never", None), ("after_due", 24)])
def test_result_page_shows_only_the_total_while_the_review_is_closed(client, lesson, learner, teacher, policy, due_in_hours):
    due = timezone.now() + datetime.timedelta(hours=due_in_hours) if due_in_hours else None
    quiz_from_gift(lesson, review_policy=policy, due_at=due)

    attempt, page = submitted_result_page(client, lesson, learner, Capitale="Québec", Vrai="false", Essai="Un texte.")

    assert "Résultat : 1 / 7" in page
    assert not PER_QUESTION_MARK.search(page)
    assert "text-bg-success" not in page and "text-bg-danger" not in page
    # A grader's comment on one answer tells its outcome too: it waits with the rest.
    assert "Hors sujet." not in graded_essay_page(client, lesson, learner, teacher, attempt)


def test_result_page_shows_each_mark_once_the_review_is_open(client, lesson, learner, teacher):
    quiz_from_gift(lesson, review_policy="after_submit")

    attempt, page = submitted_result_page(client, lesson, learner, Capitale="Québec", Vrai="false", Essai="Un texte.")

    assert "1 / 1" in page and "0 / 1" in page
    assert "Hors sujet." in graded_essay_page(client, lesson, learner, teacher, attempt)


def test_staff_see_each_mark_whatever_the_policy(client, lesson, learner, teacher):
    quiz_from_gift(lesson, review_policy="never")
    attempt, _page = submitted_result_page(client, lesson, learner, Capitale="Québec", Vrai="false")
    client.force_login(teacher)
    page = client.get(reverse("courses:quizzes:result", kwargs={"course": lesson.course.slug, "attempt": attempt.pk})).content.decode()
    assert "1 / 1" in page and "0 / 1" in page


def test_instructor_preview_with_an_essay_never_waits_in_the_grading_queue(client, lesson, teacher):
    quiz_from_gift(lesson)

    attempt, _page = submitted_result_page(client, lesson, teacher, preview=True, Essai="Essai de l’instructeur.")

    attempt.refresh_from_db()
    assert attempt.is_preview and attempt.is_submitted
    assert not attempt.needs_grading
    assert essay_queue(course=lesson.course) == []
    queue = client.get(reverse("courses:quizzes:essays", kwargs={"course": lesson.course.slug})).content.decode()
    assert "Essai de l’instructeur." not in queue


def test_instructor_preview_stays_out_of_the_gradebook_and_the_statistics(client, lesson, learner, teacher):
    quiz = quiz_from_gift(lesson)
    submitted_result_page(client, lesson, teacher, preview=True, Capitale="Montréal", Essai="Essai de l’instructeur.")

    assert quiz_statistics_for(quiz=quiz).attempts == 0
    rows = gradebook_rows(course=lesson.course).rows
    assert [row.user.pk for row in rows] == [learner.pk]
    statistics = client.get(
        reverse("courses:gradebook:quiz", kwargs={"course": lesson.course.slug, "lesson": lesson.slug})
    ).content.decode()
    assert "Montréal — 1" not in statistics
