"""The daily "reviews to do" nudge, the weekly summary, the calendar and the instructor's digest."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Quiz
from reminders.models import EmailOptOut, Reminder
from reminders.services import reminder_sweep, reminders_send_pending, weekly_digests
from review.models import Card
from review.reminders import sweep_review_nudges
from reminders.sweeps import Decisions
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.review.builders import graded_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def morning():
    """Ten in the morning, local time: nudges are decided from seven on."""
    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def class_(django_capture_on_commit_callbacks, morning):
    lesson = LessonFactory()
    quiz_from_gift(lesson)
    lesson.refresh_from_db()
    at = morning - datetime.timedelta(days=1, hours=1)
    students = [graded_student(django_capture_on_commit_callbacks, lesson=lesson, at=at)[0] for _ in range(3)]
    return {"lesson": lesson, "course": lesson.course, "students": students}


def nudges():
    return sorted(Reminder.objects.filter(kind="reviews").values_list("user__username", "window"))


def test_each_student_with_due_reviews_gets_one_nudge_a_day(class_, morning):
    reminder_sweep(now=morning)
    reminder_sweep(now=morning + datetime.timedelta(hours=1))  # the next hourly sweep
    day = morning.date().isoformat()
    assert nudges() == sorted((s.username, day) for s in class_["students"])
    reminders_send_pending(now=morning)
    assert len(mail.outbox) == 3
    message = mail.outbox[0]
    assert "4 questions" in message.subject
    assert reverse("courses:review:index", kwargs={"course": class_["course"].slug}) in message.body


def test_nothing_due_means_no_nudge(class_, morning):
    Card.objects.update(due=morning + datetime.timedelta(days=2))
    reminder_sweep(now=morning)
    assert nudges() == []


def test_an_opted_out_student_gets_no_nudge(class_, morning):
    first = class_["students"][0]
    EmailOptOut.objects.create(user=first, kind="reviews")
    reminder_sweep(now=morning)
    assert first.username not in {name for name, _w in nudges()}
    assert len(nudges()) == 2


def test_no_nudge_in_the_night(class_, morning):
    reminder_sweep(now=morning.replace(hour=3))
    assert nudges() == []


def test_the_nudge_counts_at_most_the_daily_cap(class_, morning):
    from review.models import ReviewSettings

    ReviewSettings.objects.create(course=class_["course"], daily_cap=2)
    reminder_sweep(now=morning)
    assert Reminder.objects.filter(kind="reviews").first().context["count"] == 2


def test_a_quiz_reminder_and_the_nudge_make_one_email(class_, morning):
    lesson = LessonFactory(course=class_["course"])
    quiz_from_gift(lesson, due_at=morning + datetime.timedelta(hours=20))
    reminder_sweep(now=morning)
    reminders_send_pending(now=morning)
    to = [m.to[0] for m in mail.outbox]
    assert sorted(to) == sorted(s.email for s in class_["students"])  # one e-mail each
    assert "Révisions à faire aujourd’hui" in mail.outbox[0].body
    assert Reminder.objects.filter(kind="reviews", status="sent").count() == 3


def test_no_nudge_the_day_a_quiz_reminder_was_already_sent(class_, morning):
    lesson = LessonFactory(course=class_["course"])
    quiz_from_gift(lesson, due_at=morning + datetime.timedelta(hours=20))
    Card.objects.update(due=morning + datetime.timedelta(hours=3))
    reminder_sweep(now=morning)
    reminders_send_pending(now=morning)
    assert len(mail.outbox) == 3 and nudges() == []
    later = morning + datetime.timedelta(hours=4)  # the cards are due now, the day's e-mail is gone
    reminder_sweep(now=later)
    reminders_send_pending(now=later)
    assert nudges() == [] and len(mail.outbox) == 3


def test_a_nudge_goes_out_again_the_next_day(class_, morning):
    reminder_sweep(now=morning)
    reminder_sweep(now=morning + datetime.timedelta(days=1))
    assert len(nudges()) == 6


@pytest.mark.parametrize("extra", [0, 12])
def test_the_nudge_sweep_runs_a_constant_number_of_queries(django_capture_on_commit_callbacks, django_assert_num_queries, morning, extra):
    lesson = LessonFactory()
    quiz_from_gift(lesson)
    lesson.refresh_from_db()
    at = morning - datetime.timedelta(days=1, hours=1)
    for _ in range(2 + extra):
        graded_student(django_capture_on_commit_callbacks, lesson=lesson, at=at)
    other = LessonFactory()
    quiz_from_gift(other)
    other.refresh_from_db()
    for _ in range(extra // 4):
        graded_student(django_capture_on_commit_callbacks, lesson=other, at=at)
    decisions = Decisions()
    with django_assert_num_queries(2):
        sweep_review_nudges(now=morning, decisions=decisions)
    assert len(decisions.rows) == 2 + extra + extra // 4


def test_the_weekly_summary_says_how_many_reviews_are_due(class_, morning):
    weekly_digests(now=morning)
    summary = Reminder.objects.filter(kind="student_summary", user=class_["students"][0]).get()
    assert summary.context["reviews_due"] == 6  # the four due now and the two right answers, due within the week
    reminders_send_pending(now=morning)
    assert any("Révisions dues dans les sept prochains jours : 6 questions" in m.body for m in mail.outbox)


def test_the_calendar_shows_the_days_with_reviews(client, class_):
    from reminders.calendar import calendar_for_user

    feed = calendar_for_user(user=class_["students"][0]).decode()
    assert "Révisions à faire (4)" in feed
    assert "Révisions à faire (2)" in feed


def test_the_digest_names_the_questions_the_class_keeps_forgetting(class_, morning):
    Card.objects.filter(question_key="Capitale").update(reviews=2, last_rating=1)
    Card.objects.filter(question_key="Vrai").update(reviews=2, last_rating=3)
    teacher = EnrollmentFactory(course=class_["course"], role="instructor").user
    weekly_digests(now=morning)
    digest = Reminder.objects.get(kind="instructor_digest", user=teacher)
    assert [q["title"] for q in digest.context["forgotten"]] == ["Capitale"]
    reminders_send_pending(now=morning)
    body = next(m.body for m in mail.outbox if m.to == [teacher.email])
    assert "La classe oublie" in body and "Capitale (0 %)" in body


def test_quiz_statistics_show_retention_per_question_and_lesson(client, class_, morning):
    Card.objects.filter(question_key="Capitale").update(reviews=2, last_rating=1)
    Card.objects.filter(question_key="Vrai").update(reviews=2, last_rating=3)
    Card.objects.filter(question_key="Pi").update(due=morning - datetime.timedelta(days=3))
    teacher = EnrollmentFactory(course=class_["course"], role="instructor").user
    client.force_login(teacher)
    response = client.get(reverse("courses:gradebook:quiz", kwargs={"course": class_["course"].slug, "lesson": class_["lesson"].slug}))
    rows = {row.key: row for row in response.context["retention"]}
    assert (rows["Capitale"].cards, rows["Capitale"].recalled_percent, rows["Capitale"].is_forgotten) == (3, 0, True)
    assert rows["Vrai"].recalled_percent == 100
    assert rows["Pi"].overdue == 3
    assert response.context["lesson_retention"][0].cards == 6
    assert "Rétention en révision espacée" in response.content.decode()
