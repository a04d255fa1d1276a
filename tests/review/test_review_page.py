"""The review page: today's due cards one at a time, graded on the server, feedback and the next date."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from quizzes.models import Attempt, Question
from quizzes.services import quiz_import_gift
from review.models import Card, ReviewLog, ReviewSettings
from tests.factories import SAMPLE_GIFT, EnrollmentFactory
from tests.review.builders import graded_student

pytestmark = pytest.mark.django_db


def page_url(course):
    return reverse("courses:review:index", kwargs={"course": course.slug})


def shown_card(response):
    return response.context["page"].card


def answer(client, course, response, value, easy=False):
    """Post the form the page shows, with `value` for its question."""
    card, question = response.context["page"].card, response.context["page"].question
    data = {"question": question.pk, "due": response.context["shown_due"]}
    if value != "":  # an unanswered question sends no field, as the browser does
        data[f"q-{question.pk}"] = value
    if easy:
        data["easy"] = "1"
    return client.post(reverse("courses:review:answer", kwargs={"course": course.slug, "card": card.pk}), data)


def choice_id(question, text):
    return next(a["id"] for a in question.data["answers"] if a["text"] == text)


@pytest.fixture
def learner(client, django_capture_on_commit_callbacks):
    user, quiz, attempt = graded_student(django_capture_on_commit_callbacks)
    client.force_login(user)
    return {"user": user, "quiz": quiz, "course": quiz.lesson.course}


def test_due_cards_come_one_at_a_time_the_missed_one_first(client, learner):
    response = client.get(page_url(learner["course"]))
    assert response.status_code == 200
    # Five cards are due (missed or partly right, a day after the quiz); the right ones wait.
    assert response.context["page"].due == 4  # Capitale, Couleurs, Paires, Pi
    assert shown_card(response).last_rating in (1, 2)
    assert response.content.count(b'name="question"') == 1


def test_a_right_answer_shows_feedback_the_passage_and_a_later_date(client, learner):
    course = learner["course"]
    Card.objects.filter(user=learner["user"]).exclude(question_key="Capitale").update(due=timezone.now() + datetime.timedelta(days=5))
    page = client.get(page_url(course))
    question = page.context["page"].question
    assert question.title == "Capitale"
    response = answer(client, course, page, choice_id(question, "Québec"))
    assert response.status_code == 302
    feedback = client.get(response["Location"])
    text = feedback.content.decode()
    assert "Oui, la ville de Québec." in text  # the answer's own feedback
    assert reverse("courses:lessons:detail", kwargs={"course": course.slug, "lesson": learner["quiz"].lesson.slug}) in text
    card = Card.objects.get(user=learner["user"], question_key="Capitale")
    assert card.due > timezone.now() + datetime.timedelta(days=1)
    assert feedback.context["feedback"]["next_in_words"].startswith("dans ")
    assert card.last_rating == 3


def test_easy_pushes_a_right_answer_further_than_good(client, learner, django_capture_on_commit_callbacks):
    course = learner["course"]
    Card.objects.filter(user=learner["user"]).exclude(question_key="Capitale").update(due=timezone.now() + datetime.timedelta(days=5))
    page = client.get(page_url(course))
    answer(client, course, page, choice_id(page.context["page"].question, "Québec"), easy=True)
    easy_due = Card.objects.get(user=learner["user"], question_key="Capitale").due
    other, _quiz, _a = graded_student(django_capture_on_commit_callbacks, lesson=learner["quiz"].lesson)
    client.force_login(other)
    Card.objects.filter(user=other).exclude(question_key="Capitale").update(due=timezone.now() + datetime.timedelta(days=5))
    page = client.get(page_url(course))
    answer(client, course, page, choice_id(page.context["page"].question, "Québec"))
    assert easy_due > Card.objects.get(user=other, question_key="Capitale").due


def test_a_wrong_answer_brings_the_card_back_soon(client, learner):
    course = learner["course"]
    page = client.get(page_url(course))
    card = shown_card(page)
    question = page.context["page"].question
    answer(client, course, page, "" if question.type != "multichoice" else choice_id(question, "Montréal"))
    card.refresh_from_db()
    assert card.last_rating == 1
    assert card.due <= timezone.now() + datetime.timedelta(days=2)


def test_reviews_never_change_the_quiz_grade(client, learner):
    before = list(Attempt.objects.values_list("pk", "score"))
    page = client.get(page_url(learner["course"]))
    answer(client, learner["course"], page, "")
    assert list(Attempt.objects.values_list("pk", "score")) == before


def test_the_daily_cap_stops_the_reviews_for_today(client, learner):
    ReviewSettings.objects.create(course=learner["course"], daily_cap=1)
    page = client.get(page_url(learner["course"]))
    answer(client, learner["course"], page, "")
    done = client.get(page_url(learner["course"]))
    assert done.context["page"].card is None
    assert "Vous avez fait votre révision du jour" in done.content.decode()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=1)):
        assert client.get(page_url(learner["course"])).context["page"].card is not None


def test_nothing_due_says_when_the_next_review_is(client, learner):
    Card.objects.filter(user=learner["user"]).update(due=timezone.now() + datetime.timedelta(days=3))
    response = client.get(page_url(learner["course"]))
    assert response.context["page"].card is None
    assert "Prochaine révision : dans 3 jours" in response.content.decode()


def test_a_corrected_question_is_reviewed_in_its_current_version(client, learner):
    course = learner["course"]
    Card.objects.filter(user=learner["user"]).exclude(question_key="Capitale").update(due=timezone.now() + datetime.timedelta(days=5))
    quiz_import_gift(lesson=learner["quiz"].lesson, text=SAMPLE_GIFT.replace("~Gatineau #Non.", "~Trois-Rivières #Non."))
    page = client.get(page_url(course))
    current = Question.objects.get(quiz=learner["quiz"], key="Capitale", is_active=True)
    assert current.version == 2
    assert page.context["page"].question == current
    assert "Trois-Rivières" in page.content.decode()


def test_a_retired_question_leaves_the_deck(client, learner):
    quiz_import_gift(lesson=learner["quiz"].lesson, text=SAMPLE_GIFT.replace("::Capitale::", "::Capitale2::"))
    Card.objects.filter(user=learner["user"]).update(due=timezone.now() - datetime.timedelta(hours=1))
    keys = set()
    page = client.get(page_url(learner["course"]))
    for _round in range(10):
        if page.context["page"].card is None:
            break
        keys.add(page.context["page"].card.question_key)
        assert answer(client, learner["course"], page, "").status_code == 302
        page = client.get(page_url(learner["course"]))
    assert keys == {"Couleurs", "Vrai", "Rareté", "Paires", "Pi"}


def test_an_instructor_sets_the_cap_and_the_participation_credit(client, learner):
    teacher = EnrollmentFactory(course=learner["course"], role=Enrollment.Role.INSTRUCTOR).user
    client.force_login(teacher)
    url = reverse("courses:review:settings", kwargs={"course": learner["course"].slug})
    response = client.post(url, {"daily_cap": "0", "participation_credit": "on"})
    assert response.status_code == 200 and "entre 1 et 200" in response.content.decode()
    assert not ReviewSettings.objects.exists()
    client.post(url, {"daily_cap": "20", "participation_credit": "on"})
    settings_row = ReviewSettings.objects.get()
    assert (settings_row.daily_cap, settings_row.participation_credit) == (20, True)


def test_a_student_cannot_change_the_settings(client, learner):
    url = reverse("courses:review:settings", kwargs={"course": learner["course"].slug})
    assert client.post(url, {"daily_cap": "200"}).status_code == 403
    assert not ReviewSettings.objects.exists()


def test_a_stranger_does_not_see_the_page(client, learner):
    client.force_login(EnrollmentFactory().user)
    assert client.get(page_url(learner["course"])).status_code == 404


@pytest.mark.parametrize("students", [1, 6])
def test_the_page_runs_a_bounded_number_of_queries(client, django_capture_on_commit_callbacks, django_assert_num_queries, students):
    user, quiz, _attempt = graded_student(django_capture_on_commit_callbacks)
    for _ in range(students):
        graded_student(django_capture_on_commit_callbacks, lesson=quiz.lesson)
    # A big deck: many more cards, all due.
    cards = [
        Card(user=user, course=quiz.lesson.course, quiz=quiz, question_key=f"extra-{n}", due=timezone.now()) for n in range(students * 30)
    ]
    Card.objects.bulk_create(cards)
    client.force_login(user)
    page = client.get(page_url(quiz.lesson.course))
    answer(client, quiz.lesson.course, page, "")
    last = ReviewLog.objects.filter(source="review").latest("pk")
    with django_assert_num_queries(10):  # with the last review's feedback
        client.get(page_url(quiz.lesson.course) + f"?last={last.pk}")
    with django_assert_num_queries(9):
        client.get(page_url(quiz.lesson.course))


def test_progress_page_shows_reviews_due_and_the_participation_credit_when_on(client, learner):
    course = learner["course"]
    progress = client.get(reverse("courses:progress", kwargs={"course": course.slug}))
    assert progress.context["review"].due_today == 4
    assert "Crédit de participation" not in progress.content.decode()  # off by default
    page = client.get(page_url(course))
    answer(client, course, page, "")
    ReviewSettings.objects.create(course=course, participation_credit=True)
    progress = client.get(reverse("courses:progress", kwargs={"course": course.slug}))
    assert "vous avez révisé 1 des 28 derniers jours" in progress.content.decode()
    detail = client.get(reverse("courses:detail", kwargs={"course": course.slug}))
    assert page_url(course) in detail.content.decode()
