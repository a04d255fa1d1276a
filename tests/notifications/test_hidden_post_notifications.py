"""A hidden or removed post's text leaves the followers' notifications and the e-mails not yet sent."""

import pytest
from django.core import mail
from django.urls import reverse

from discussions.models import Post, Thread
from discussions.services import post_create, post_delete, post_hide, post_unhide
from notifications.models import Notification
from reminders.models import Reminder
from reminders.services import reminder_sweep, reminders_send_pending
from tests.factories import EnrollmentFactory, LessonFactory

pytestmark = pytest.mark.django_db

SECRET = "Texte injurieux à retirer"


@pytest.fixture
def discussion():
    lesson = LessonFactory()
    course = lesson.course
    instructor = EnrollmentFactory(course=course, role="instructor").user
    follower = EnrollmentFactory(course=course).user
    author = EnrollmentFactory(course=course).user
    thread = Thread.objects.create(lesson=lesson, author=follower, title="Fil", last_post_at=course.created_at)
    Post.objects.create(thread=thread, author=follower, is_opening=True, body="Question", body_html="<p>Question</p>")
    post_create(thread=thread, author=follower, body="Je suis ce fil")
    return {"thread": thread, "instructor": instructor, "follower": follower, "author": author}


def hide(world, post):
    post_hide(post=post, actor=world["instructor"], reason="Propos blessants")


def remove(world, post):
    post_delete(post=post, user=world["author"])


@pytest.mark.parametrize("action", [hide, remove], ids=["hidden", "removed"])
def test_the_text_leaves_the_in_app_notification(client, discussion, action):
    post = post_create(thread=discussion["thread"], author=discussion["author"], body=SECRET)
    assert SECRET in Notification.objects.get(user=discussion["follower"]).body

    action(discussion, post)

    client.force_login(discussion["follower"])
    page = client.get(reverse("notifications:list")).content.decode()
    assert SECRET not in page
    assert SECRET not in Notification.objects.get(user=discussion["follower"]).body
    assert "Fil" in page  # the notice itself stays, only the text goes


@pytest.mark.parametrize("action", [hide, remove], ids=["hidden", "removed"])
def test_the_text_leaves_an_email_not_yet_sent(discussion, action):
    post = post_create(thread=discussion["thread"], author=discussion["author"], body=SECRET)
    post_create(thread=discussion["thread"], author=discussion["author"], body="Une autre réponse, correcte")

    action(discussion, post)
    reminder_sweep()
    reminders_send_pending()

    sent = [m for m in mail.outbox if m.to == [discussion["follower"].email]]
    assert len(sent) == 1
    assert SECRET not in sent[0].body and all(SECRET not in body for body, _type in sent[0].alternatives)
    assert "Une autre réponse, correcte" in sent[0].body


@pytest.mark.parametrize("action", [hide, remove], ids=["hidden", "removed"])
def test_the_text_leaves_an_email_already_decided_but_not_sent(discussion, action):
    post = post_create(thread=discussion["thread"], author=discussion["author"], body=SECRET)
    reminder_sweep()  # decided: the e-mail waits in the reminders' outbox with its excerpts
    assert SECRET in str(Reminder.objects.get(user=discussion["follower"]).context)

    action(discussion, post)
    reminders_send_pending()

    sent = [m for m in mail.outbox if m.to == [discussion["follower"].email]]
    assert len(sent) == 1
    assert SECRET not in sent[0].body and all(SECRET not in body for body, _type in sent[0].alternatives)


def test_unhiding_brings_the_text_back_in_the_notification(discussion):
    post = post_create(thread=discussion["thread"], author=discussion["author"], body=SECRET)
    hide(discussion, post)

    post_unhide(post=post, actor=discussion["instructor"])

    assert SECRET in Notification.objects.get(user=discussion["follower"]).body
