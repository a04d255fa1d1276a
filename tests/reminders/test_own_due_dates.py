"""Reminders and the calendar feed follow each student's own due date (`quizzes.dates`)."""

import datetime

import pytest
from icalendar import Calendar

from quizzes.models import Quiz
from quizzes.services import quiz_override_save
from reminders.calendar import calendar_for_user
from reminders.models import Reminder
from reminders.services import reminder_sweep

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def decided(kind, user):
    return sorted(Reminder.objects.filter(kind=kind, user=user).values_list("window", flat=True))


def test_a_student_with_a_later_due_date_is_reminded_later(quiz_due, cohort, now):
    moved, usual, _other = cohort["students"]
    own_due = quiz_due.due_at + 72 * HOUR
    quiz_override_save(quiz=quiz_due, user=moved, due_at=own_due, now=now)

    reminder_sweep(now=now)  # 40 h before the class's due date
    assert decided("due_soon", usual) == ["48h"] and decided("due_soon", moved) == []

    reminder_sweep(now=quiz_due.due_at + HOUR)  # the class is overdue, they are not
    assert decided("overdue", moved) == [] and decided("due_soon", moved) == []

    reminder_sweep(now=own_due - 20 * HOUR)
    (window,) = decided("due_soon", moved)
    assert window.startswith("24h@")
    reminder = Reminder.objects.get(kind="due_soon", user=moved)
    assert reminder.context["due_at"] == own_due.isoformat()

    reminder_sweep(now=own_due + HOUR)
    assert len(decided("overdue", moved)) == 1


def test_a_group_override_moves_the_reminders_of_its_members(quiz_due, cohort, now):
    first, second, third = cohort["students"]
    course = quiz_due.lesson.course
    course.enrollments.filter(user__in=[first, second]).update(group="Équipe 1")
    quiz_override_save(quiz=quiz_due, group="Équipe 1", due_at=quiz_due.due_at + 100 * HOUR, now=now)
    reminder_sweep(now=now)
    assert decided("due_soon", first) == decided("due_soon", second) == [] and decided("due_soon", third) == ["48h"]


def test_a_quiz_due_only_by_an_override_reminds_that_student(quiz_due, cohort, now):
    moved, usual, _other = cohort["students"]
    Quiz.objects.filter(pk=quiz_due.pk).update(due_at=now + 300 * HOUR)  # the class is far from due
    quiz_due.refresh_from_db()
    quiz_override_save(quiz=quiz_due, user=moved, due_at=now + 10 * HOUR, now=now)
    reminder_sweep(now=now)
    assert len(decided("due_soon", moved)) == 1 and decided("due_soon", usual) == []


def test_the_calendar_feed_shows_the_students_own_due_date(quiz_due, cohort, now):
    moved, usual, _other = cohort["students"]
    own_due = quiz_due.due_at + 72 * HOUR
    quiz_override_save(quiz=quiz_due, user=moved, due_at=own_due, now=now)

    def due_in_feed(user):
        (event,) = [c for c in Calendar.from_ical(calendar_for_user(user=user)).walk("VEVENT") if "quiz-" in str(c["uid"])]
        return event.decoded("dtend")

    assert due_in_feed(moved) == own_due
    assert due_in_feed(usual) == quiz_due.due_at
