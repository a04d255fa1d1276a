"""A calendar shows several courses side by side: each quiz event names its course."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from reminders.tokens import calendar_token
from tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db


def test_each_quiz_event_names_its_course_in_the_reader_language(client):
    due = timezone.now() + datetime.timedelta(days=2)
    student = EnrollmentFactory(course=CourseFactory(title="Marketing numérique")).user
    other = CourseFactory(title="Stratégie de marque")
    EnrollmentFactory(course=other, user=student)
    quiz_from_gift(LessonFactory(course=student.enrollments.first().course, title="Effets de réseau"), due_at=due)
    quiz_from_gift(LessonFactory(course=other, title="Positionnement"), due_at=due)

    feed = client.get(reverse("reminders:calendar", kwargs={"token": calendar_token(user_id=student.pk)}))

    summaries = sorted(str(event["summary"]) for event in Calendar.from_ical(feed.content).walk("VEVENT"))
    assert summaries == [
        "Marketing numérique – Effets de réseau : test à remettre",
        "Stratégie de marque – Positionnement : test à remettre",
    ]
    student.preferred_language = "en"
    student.save(update_fields=["preferred_language"])
    feed = client.get(reverse("reminders:calendar", kwargs={"token": calendar_token(user_id=student.pk)}))
    assert "Marketing numérique – Effets de réseau: quiz due" in {str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")}
