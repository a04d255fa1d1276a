import threading

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from quizzes.models import Attempt, Response
from quizzes.services import attempt_start
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift


def gift_with(count: int) -> str:
    """A quiz of `count` questions cycling through the automatically graded types."""
    blocks = []
    for n in range(count):
        kind = n % 5
        if kind == 0:
            blocks.append(f"::Q{n}:: Choix {n} ? {{=Bon ~Mauvais ~Autre}}")
        elif kind == 1:
            blocks.append(f"::Q{n}:: Plusieurs {n} ? {{~%50%A ~%50%B ~%-100%C}}")
        elif kind == 2:
            blocks.append(f"::Q{n}:: Vrai {n} ? {{T}}")
        elif kind == 3:
            blocks.append(f"::Q{n}:: Mot {n} ? {{=réponse =%50%reponse approximative}}")
        else:
            blocks.append(f"::Q{n}:: Nombre {n} ? {{#42:1}}")
    return "\n\n".join(blocks)


def full_answers(attempt) -> dict:
    data = {}
    for question in attempt.quiz.questions.all():
        key = f"q-{question.pk}"
        if question.type == "multichoice":
            data[key] = question.data["answers"][0]["id"]
        elif question.type == "multichoice_multi":
            data[key] = [a["id"] for a in question.data["answers"][:2]]
        elif question.type == "truefalse":
            data[key] = "true"
        elif question.type == "shortanswer":
            data[key] = "Réponse"
        else:
            data[key] = "42,5"
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("count", [5, 20])
def test_submitting_runs_a_constant_number_of_queries(client, django_assert_num_queries, count):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, gift_with(count))
    learner = EnrollmentFactory(course=lesson.course).user
    attempt = attempt_start(quiz=quiz, user=learner)
    client.force_login(learner)
    kwargs = {"course": lesson.course.slug, "attempt": attempt.pk}
    client.post(reverse("courses:quizzes:take", kwargs=kwargs), full_answers(attempt))

    # 13 for the submit itself (with the live question keys, and the student's own due date: their enrolment and
    # overrides, `quizzes.dates`), 13 for the student's kept gradebook standing, refreshed in the same
    # transaction (course, scheme, lessons, the quizzes' overrides, row lock, the student's activity, reading, attempts,
    # posts, grade overrides, upsert, and the review participation credit asked of the review app through
    # `courses.signals`), 1 for the LMS courses that receive the score (LTI outbox, none here): the same at any quiz length.
    with django_assert_num_queries(27):
        response = client.post(reverse("courses:quizzes:confirm", kwargs=kwargs))

    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == attempt.max_score == count


@pytest.mark.django_db
def test_saving_answers_runs_a_constant_number_of_queries(client, django_assert_num_queries):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, gift_with(20))
    learner = EnrollmentFactory(course=lesson.course).user
    attempt = attempt_start(quiz=quiz, user=learner)
    client.force_login(learner)
    kwargs = {"course": lesson.course.slug, "attempt": attempt.pk}

    with django_assert_num_queries(12):
        assert client.post(reverse("courses:quizzes:autosave", kwargs=kwargs), full_answers(attempt)).status_code == 200


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL; CI runs this on it")
@pytest.mark.django_db(transaction=True)
def test_parallel_submits_grade_once_on_postgresql():
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, gift_with(10))
    learner = EnrollmentFactory(course=lesson.course).user
    attempt = attempt_start(quiz=quiz, user=learner)
    url = reverse("courses:quizzes:confirm", kwargs={"course": lesson.course.slug, "attempt": attempt.pk})
    saver = Client()
    saver.force_login(learner)
    saver.post(reverse("courses:quizzes:take", kwargs={"course": lesson.course.slug, "attempt": attempt.pk}), full_answers(attempt))
    barrier = threading.Barrier(6)
    statuses = []

    def submit():
        client = Client()
        client.force_login(learner)
        barrier.wait()
        try:
            statuses.append(client.post(url).status_code)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [302] * 6
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == 10
    assert Response.objects.filter(attempt=attempt).count() == 10
    assert Attempt.objects.filter(user=learner).count() == 1
