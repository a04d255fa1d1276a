"""The result page shows a short answer's key, not its list of variants, and its feedback in French typography."""

import pytest
from django.urls import reverse

from courses.models import Enrollment
from quizzes.models import Attempt
from tests.factories import EnrollmentFactory, LessonFactory, answers_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
NNBSP = "\u202f"

PULL = """
::Pull:: Comment l’article nomme-t-il la stratégie qui attire le client ? {
  =le pull marketing #Oui : relisez "Le pull marketing" dans la section 2.
  =pull-marketing
  =marketing d’attraction
  =%50%attraction #Presque !
  =%0%* #Non ; relisez le passage.
  ####Le texte parle de « pull marketing » : le client vient à la marque.
}
"""


@pytest.fixture
def lesson():
    lesson = LessonFactory()
    quiz_from_gift(lesson, text=PULL)
    return lesson


def result_page(client, lesson, user, typed):
    client.force_login(user)
    course = lesson.course.slug
    client.post(reverse("courses:quizzes:start", kwargs={"course": course, "lesson": lesson.slug}))
    attempt = Attempt.objects.get(user=user, status="in_progress")
    kwargs = {"course": course, "attempt": attempt.pk}
    client.post(reverse("courses:quizzes:take", kwargs=kwargs), answers_by_title(attempt, Pull=typed))
    client.post(reverse("courses:quizzes:confirm", kwargs=kwargs))
    return attempt, reverse("courses:quizzes:result", kwargs=kwargs)


def test_student_sees_the_key_alone_and_no_list_of_variants(client, lesson):
    student = EnrollmentFactory(course=lesson.course).user
    _attempt, url = result_page(client, lesson, student, "le « pull marketing »")
    page = client.get(url).content.decode()

    assert "1 / 1" in page  # the quotes cost nothing
    key = page.split('data-testid="correct-answer"')[1].split("</p>")[0]
    assert "le pull marketing" in key
    assert "pull-marketing" not in key and "attraction" not in key
    assert 'data-testid="other-accepted"' not in page
    assert "marketing d’attraction" not in page


def test_instructor_finds_the_other_accepted_answers_folded_away(client, lesson):
    student = EnrollmentFactory(course=lesson.course).user
    teacher = EnrollmentFactory(course=lesson.course, role=Enrollment.Role.INSTRUCTOR).user
    _attempt, url = result_page(client, lesson, student, "pull")
    client.force_login(teacher)
    page = client.get(url).content.decode()

    folded = page.split('data-testid="other-accepted"')[1].split("</details>")[0]
    assert "<summary>3 autres réponses acceptées</summary>" in folded
    assert "pull-marketing" in folded and "marketing d’attraction" in folded
    assert "attraction (50&nbsp;%)" in folded  # a partial answer says how much it earns
    assert "le pull marketing" not in folded  # the key is shown once, above


def test_feedback_and_explanation_follow_the_site_typography(client, lesson):
    student = EnrollmentFactory(course=lesson.course).user
    _attempt, url = result_page(client, lesson, student, "le pull marketing")
    page = client.get(url).content.decode()

    assert f"Oui{NBSP}: relisez «{NBSP}Le pull marketing{NBSP}» dans la section 2." in page
    assert f"Le texte parle de «{NBSP}pull marketing{NBSP}»{NBSP}: le client" in page


def test_a_wrong_answer_gets_the_catch_all_feedback_in_the_same_typography(client, lesson):
    student = EnrollmentFactory(course=lesson.course).user
    _attempt, url = result_page(client, lesson, student, "push")
    page = client.get(url).content.decode()

    assert "0 / 1" in page
    assert f"Non{NNBSP}; relisez le passage." in page
