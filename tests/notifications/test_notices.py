"""Notices a student expects: an essay graded (with the score), a message hidden (with the reason, to its
author); and the kinds other parts create (own dates, a grade entered). Each shows in the app and is e-mailed
unless the person turned that kind of e-mail off on their preferences page."""

from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from discussions.models import Post, Thread
from discussions.services import post_create, post_hide
from notifications.models import Notification
from notifications.services import notifications_create
from quizzes.models import Response
from quizzes.services import attempt_start, attempt_submit, response_grade_manually
from reminders.models import EmailOptOut
from reminders.services import reminder_sweep, reminders_send_pending
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db

ESSAY_GIFT = "::Essai:: Expliquez l’effet de réseau. {}\n\n::Capitale:: Capitale du Québec ? {=Québec ~Montréal}"


@pytest.fixture
def essay():
    lesson = LessonFactory(title="Effets de réseau")
    quiz = quiz_from_gift(lesson, text=ESSAY_GIFT)
    quiz.questions.filter(title="Essai").update(points=Decimal("4"))
    student = EnrollmentFactory(course=lesson.course).user
    instructor = EnrollmentFactory(course=lesson.course, role="instructor").user
    attempt = attempt_start(quiz=quiz, user=student)
    essay_id = quiz.questions.get(title="Essai").pk
    attempt_submit(attempt_id=attempt.pk, answers={str(essay_id): "Plus il y a de membres, plus le réseau vaut."})
    response = Response.objects.get(attempt=attempt, question_id=essay_id)
    return {"student": student, "instructor": instructor, "response": response, "attempt": attempt}


def _emails_to(user):
    reminder_sweep()
    reminders_send_pending()
    return [message for message in mail.outbox if message.to == [user.email]]


def test_graded_essay_tells_the_student_the_score_in_the_app_and_by_email(client, essay):
    response_grade_manually(response_id=essay["response"].pk, grader=essay["instructor"], score=Decimal("3.5"), comment="Bon exemple.")

    notice = Notification.objects.get(user=essay["student"], kind="essay_graded")
    assert notice.title == "Votre réponse dans « Effets de réseau » est corrigée : 3,50 / 4"
    assert notice.body == "Commentaire : Bon exemple."
    assert notice.url == reverse("courses:quizzes:result", kwargs={"course": essay["attempt"].quiz.lesson.course.slug, "attempt": essay["attempt"].pk})
    client.force_login(essay["student"])
    assert "corrigée : 3,50 / 4" in client.get(reverse("notifications:list")).content.decode()

    [email] = _emails_to(essay["student"])
    assert email.subject == notice.title
    assert "Commentaire : Bon exemple." in email.body
    assert _emails_to(essay["student"]) == [email]  # handed over once


def test_regrading_the_same_score_notifies_nobody_again(essay):
    for _ in range(2):
        response_grade_manually(response_id=essay["response"].pk, grader=essay["instructor"], score=Decimal("2"))

    assert Notification.objects.filter(user=essay["student"], kind="essay_graded").count() == 1


def test_graded_essay_is_not_emailed_to_a_student_who_turned_it_off(essay):
    EmailOptOut.objects.create(user=essay["student"], kind="essay_graded")

    response_grade_manually(response_id=essay["response"].pk, grader=essay["instructor"], score=Decimal("2"))

    assert Notification.objects.filter(user=essay["student"], kind="essay_graded").exists()  # still in the app
    assert _emails_to(essay["student"]) == []


@pytest.fixture
def thread():
    lesson = LessonFactory()
    author = EnrollmentFactory(course=lesson.course).user
    instructor = EnrollmentFactory(course=lesson.course, role="instructor").user
    thread = Thread.objects.create(lesson=lesson, author=instructor, title="Vos exemples", last_post_at=lesson.course.created_at)
    Post.objects.create(thread=thread, author=instructor, is_opening=True, body="Partagez", body_html="<p>Partagez</p>")
    post = post_create(thread=thread, author=author, body="Un message déplacé")
    return {"author": author, "instructor": instructor, "post": post}


def test_hidden_post_tells_its_author_why_in_the_app_and_by_email(client, thread):
    post_hide(post=thread["post"], actor=thread["instructor"], reason="Hors sujet, merci de rester sur la lecture")

    notice = Notification.objects.get(user=thread["author"], kind="post_hidden")
    assert notice.title == "Votre message dans « Vos exemples » a été masqué par l’équipe enseignante"
    assert notice.body == "Raison : Hors sujet, merci de rester sur la lecture"
    assert notice.url.endswith(f"#post-{thread['post'].pk}")
    [email] = _emails_to(thread["author"])
    assert "Raison : Hors sujet, merci de rester sur la lecture" in email.body


def test_hiding_twice_or_hiding_ones_own_post_sends_nothing_more(thread):
    post_hide(post=thread["post"], actor=thread["instructor"], reason="Hors sujet")
    post_hide(post=thread["post"], actor=thread["instructor"], reason="Hors sujet")
    own = post_create(thread=thread["post"].thread, author=thread["instructor"], body="Mon brouillon")
    post_hide(post=own, actor=thread["instructor"], reason="Brouillon")

    assert Notification.objects.filter(kind="post_hidden").count() == 1


def test_hidden_post_not_emailed_when_turned_off(thread):
    EmailOptOut.objects.create(user=thread["author"], kind="post_hidden")

    post_hide(post=thread["post"], actor=thread["instructor"], reason="Hors sujet")

    assert Notification.objects.filter(user=thread["author"], kind="post_hidden").exists()
    assert _emails_to(thread["author"]) == []


@pytest.mark.parametrize("kind", ["override_granted", "grade_entered"])
def test_kinds_other_parts_create_are_emailed_per_preferences(kind):
    wanted, opted_out = EnrollmentFactory().user, EnrollmentFactory().user
    EmailOptOut.objects.create(user=opted_out, kind=kind)
    with transaction.atomic():
        notifications_create(
            users=[wanted, opted_out], kind=kind, subject_key="test:1", url="/courses/",
            render=lambda: ("Votre nouvelle échéance", "Le 12 déc."),
        )

    assert Notification.objects.filter(kind=kind).count() == 2
    assert [m.subject for m in _emails_to(wanted)] == ["Votre nouvelle échéance"]
    assert _emails_to(opted_out) == []


def test_the_preferences_page_offers_the_new_kinds(client, essay):
    client.force_login(essay["student"])
    url = reverse("reminders:preferences")
    page = client.get(url).content.decode()
    for label in ("Composition corrigée", "Un de mes messages masqué par l’équipe enseignante",
                  "Mes propres dates pour un test", "Une note saisie par l’enseignant·e"):
        assert label in page

    client.post(url, {"due_soon": "on", "overdue": "on", "inactivity": "on", "replies": "on", "student_summary": "on", "reviews": "on"})

    assert set(EmailOptOut.objects.filter(user=essay["student"]).values_list("kind", flat=True)) == {
        "essay_graded", "post_hidden", "override_granted", "grade_entered"
    }
