"""Reviews no honest page sends, or sends twice: graded once, refused without a 500, nothing lost."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import Card, ReviewLog
from tests.review.builders import graded_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client, django_capture_on_commit_callbacks):
    user, quiz, _attempt = graded_student(django_capture_on_commit_callbacks)
    course = quiz.lesson.course
    client.force_login(user)
    page = client.get(reverse("courses:review:index", kwargs={"course": course.slug}))
    card, question = page.context["page"].card, page.context["page"].question
    return {
        "user": user, "course": course, "card": card, "question": question, "quiz": quiz,
        "url": reverse("courses:review:answer", kwargs={"course": course.slug, "card": card.pk}),
        "form": {"question": question.pk, "due": page.context["shown_due"]},
    }


def reviews():
    return ReviewLog.objects.filter(source="review").count()


def test_a_double_post_is_graded_once(client, setup):
    first = client.post(setup["url"], setup["form"])
    second = client.post(setup["url"], setup["form"])
    assert first.status_code == second.status_code == 302
    assert reviews() == 1
    assert "a déjà reçu une réponse" in client.get(second["Location"]).content.decode()


def test_the_card_of_another_student_does_not_exist_for_me(client, setup, django_capture_on_commit_callbacks):
    other, _quiz, _a = graded_student(django_capture_on_commit_callbacks, lesson=setup["quiz"].lesson)
    client.force_login(other)
    response = client.post(setup["url"], setup["form"])
    assert response.status_code == 404
    assert reviews() == 0


def test_a_card_not_due_is_refused(client, setup):
    later = timezone.now() + datetime.timedelta(days=3)
    Card.objects.filter(pk=setup["card"].pk).update(due=later)
    response = client.post(setup["url"], {**setup["form"], "due": later.isoformat()})
    assert response.status_code == 302
    assert reviews() == 0
    assert "n’est pas encore due" in client.get(response["Location"]).content.decode()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda s: {f"q-{s['question'].pk}": "not-a-choice"},
        lambda s: {f"q-{s['question'].pk}": ["a", "b"]},
        lambda s: {f"q-{s['question'].pk + 999}": "x"},
        lambda s: {"q-abc": "x"},
        lambda s: {f"q-{s['question'].pk}": "x" * 20_000},
    ],
    ids=["unknown choice", "two answers", "another question", "bad field", "huge text"],
)
def test_a_tampered_payload_is_refused_with_400(client, setup, tamper):
    response = client.post(setup["url"], {**setup["form"], **tamper(setup)})
    assert response.status_code == 400
    assert reviews() == 0
    assert Card.objects.get(pk=setup["card"].pk).due == setup["card"].due


def test_a_forged_due_date_is_refused(client, setup):
    response = client.post(setup["url"], {**setup["form"], "due": "2020-01-01T00:00:00+00:00"})
    assert response.status_code == 302
    assert reviews() == 0


def test_an_answer_to_a_replaced_question_version_is_refused(client, setup):
    response = client.post(setup["url"], {**setup["form"], "question": setup["question"].pk + 1})
    assert response.status_code == 302
    assert reviews() == 0


def test_a_get_on_the_answer_address_changes_nothing(client, setup):
    assert client.get(setup["url"]).status_code == 405
    assert reviews() == 0
