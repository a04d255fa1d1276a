"""The personal iCalendar feed: due dates of the quizzes in the courses a person follows or teaches."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from courses.selectors import STAFF_ROLES
from lessons.selectors import visible_to_students
from quizzes.dates import quiz_dates_for
from quizzes.models import Quiz
from reminders.signals import calendar_events


def calendar_for_user(*, user) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Site du cours//Marketing numerique//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Cours – échéances")
    # One filter() call, so both conditions speak of the same enrolment: staff see their course's
    # unpublished quizzes, students only what is visible to them.
    quizzes = list(
        Quiz.objects.filter(
            Q(lesson__course__enrollments__role__in=STAFF_ROLES) | visible_to_students("lesson__"),
            lesson__course__enrollments__user=user,
        )
        .select_related("lesson__course")
    )
    # The person's own due dates (a student's override, their group's: `quizzes.dates`).
    dates = quiz_dates_for(quizzes=quizzes, user_id=user.pk)
    dated = sorted(((dates[quiz.pk].due_at, quiz) for quiz in quizzes if dates[quiz.pk].due_at), key=lambda p: (p[0], p[1].pk))
    for due_at, quiz in dated:
        course = quiz.lesson.course
        event = Event()
        event.add("uid", f"quiz-{quiz.pk}-due@coursesite")
        # The course first: a calendar shows several courses' deadlines side by side.
        with translation.override(user.preferred_language):
            event.add("summary", _("%(course)s – %(quiz)s: quiz due") % {"course": course.title, "quiz": quiz.lesson.title})
        event.add("dtstart", due_at - timedelta(minutes=30))
        event.add("dtend", due_at)
        event.add("dtstamp", quiz.updated_at)
        event.add("url", settings.SITE_URL + reverse("courses:quizzes:start", kwargs={"course": course.slug, "lesson": quiz.lesson.slug}))
        event.add("description", course.title)
        calendar.add_component(event)
    for extra in calendar_events(user=user, now=timezone.now()):  # the apps above: days with reviews due
        event = Event()
        event.add("uid", extra["uid"])
        event.add("summary", extra["summary"])
        event.add("dtstart", extra["start"])
        event.add("dtend", extra["end"])
        event.add("dtstamp", timezone.now())
        event.add("url", settings.SITE_URL + extra["url"])
        calendar.add_component(event)
    return calendar.to_ical()
