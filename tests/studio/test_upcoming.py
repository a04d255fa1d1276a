"""« Ce qui partira »: the studio lists the reminders and digests of the next 7 days for the course, computed
by the sweeps themselves, so that letting the time run gives exactly what the page said."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from reminders.forecast import reminders_forecast
from reminders.models import EmailOptOut, Reminder
from reminders.services import reminder_sweep, weekly_digests
from tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db

# Tuesday 1 December 2026, 10:20 in Montréal: the week's digests go out on Monday 7 December at 08:00.
NOW = datetime.datetime(2026, 12, 1, 15, 20, tzinfo=datetime.UTC)


def _course(students: int, slug="marketing-ce-qui-partira"):
    course = CourseFactory(slug=slug, title="Marketing numérique")
    lesson = LessonFactory(course=course, title="Pousser ou tirer", slug=f"{slug}-lecon")
    quiz = quiz_from_gift(lesson, due_at=NOW + datetime.timedelta(hours=40), late_policy="accept")
    people = [EnrollmentFactory(course=course).user for _ in range(students)]
    instructor = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    Enrollment.objects.filter(course=course).update(created_at=NOW - datetime.timedelta(days=2))
    return course, quiz, people, instructor


def test_the_forecast_names_who_gets_what_and_when(settings):
    course, quiz, (first, second, third), instructor = _course(3)
    EmailOptOut.objects.create(user=third, kind="due_soon")
    other_course, *_rest = _course(2, slug="autre-cours")

    upcoming = reminders_forecast(course=course, now=NOW)

    when = {(row.user, row.kind, row.window): timezone.localtime(row.at) for row in upcoming}
    assert when[(first, "due_soon", "48h")] == timezone.localtime(NOW.replace(minute=0) + datetime.timedelta(hours=1))
    assert when[(first, "due_soon", "24h")] == timezone.localtime(quiz.due_at.replace(minute=0) - datetime.timedelta(hours=23))
    assert when[(first, "overdue", "overdue")] == timezone.localtime(quiz.due_at.replace(minute=0) + datetime.timedelta(hours=1))
    assert (third, "due_soon", "48h") not in when  # turned off
    digest_at = when[(instructor, "instructor_digest", "2026-W50")]
    assert (digest_at.weekday(), digest_at.hour) == (0, 8)
    assert {row.user for row in upcoming} == {first, second, third, instructor}  # nobody of the other course
    assert [row.at for row in upcoming] == sorted(row.at for row in upcoming)
    assert not Reminder.objects.exists()  # a forecast writes nothing


def test_letting_the_time_run_sends_exactly_what_the_page_said():
    course, quiz, students, instructor = _course(3)
    EmailOptOut.objects.create(user=students[2], kind="overdue")
    forecast = {(row.at, row.user.pk, row.kind, row.object_key, row.window) for row in reminders_forecast(course=course, now=NOW)}

    decided = set()
    first = NOW.replace(minute=0) + datetime.timedelta(hours=1)
    for hour in range(7 * 24):
        at = first + datetime.timedelta(hours=hour)
        before = set(Reminder.objects.values_list("pk", flat=True))
        reminder_sweep(now=at)
        local = timezone.localtime(at)
        if (local.weekday(), local.hour) == (0, 8):  # the beat's Monday 08:00
            weekly_digests(now=at)
        decided |= {
            (at, *row) for row in Reminder.objects.exclude(pk__in=before).values_list("user_id", "kind", "object_key", "window")
        }

    assert forecast == decided
    assert {kind for _at, _user, kind, _key, _window in decided} >= {"due_soon", "overdue", "instructor_digest", "student_summary"}


def test_students_cannot_read_it(client):
    course, _quiz, (student, *_others), _instructor = _course(1)
    client.force_login(student)

    assert client.get(reverse("courses:studio:upcoming", kwargs={"course": course.slug})).status_code == 403


@pytest.mark.parametrize("students", [3, 30])
def test_the_page_lists_them_in_a_query_count_whatever_the_class_size(client, django_assert_num_queries, time_machine, students):
    time_machine.move_to(NOW, tick=False)
    course, _quiz, (first, *_others), instructor = _course(students)
    client.force_login(instructor)

    # Session, user, enrolment+course, unread notifications, the names of the people, each rule's instants
    # (a query or two each), and each rule run only at its own hours (here: the first hour, the quiz's 48 h, 24 h
    # and due date, the end of the class's quiet week, each morning's nudge hour; none per student). Every hour
    # instead cost 1,428.
    with django_assert_num_queries(44):
        page = client.get(reverse("courses:studio:upcoming", kwargs={"course": course.slug})).content.decode()

    rows = page.split('data-testid="upcoming"')[1].split("</table>")[0]
    assert rows.count('data-testid="upcoming-row"') == 3 * students + students + 1 + students  # 48h, 24h (3 per student: + overdue), digest, summaries
    assert first.display_name in rows and "Test bientôt dû" in rows and "Pousser ou tirer" in rows
    assert "mardi 1 décembre, 11:00" in rows  # the first hourly sweep, in Montréal time


def _every_hour_forecast(course, now):
    """The reference: every rule of the hourly sweep run at each of the 168 coming hours (the slow way the page
    used to take), the weekly sweep at the beat's Monday hour, the first hour of each key kept."""
    from reminders.forecast import _about_course, _digest_outline
    from reminders.services import hourly_decisions, weekly_decisions
    from reminders.sweeps import Decisions

    review_url = reverse("courses:review:index", kwargs={"course": course.slug})
    seen, found = set(), []
    first = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    for hour in range(7 * 24):
        at = first + datetime.timedelta(hours=hour)
        decisions = Decisions(course_ids=[course.pk])
        hourly_decisions(now=at, decisions=decisions)
        local = timezone.localtime(at)
        if (local.weekday(), local.hour) == (0, 8):
            weekly_decisions(now=at, decisions=decisions, digest_builder=_digest_outline)
        for row in decisions.rows:
            key = (row.user_id, row.kind, row.object_key, row.window)
            if key not in seen:
                seen.add(key)
                if _about_course(row, course, review_url):
                    found.append((at, *key, row.context))
    return found


def test_running_each_rule_only_when_it_can_change_forecasts_what_every_hour_would(django_capture_on_commit_callbacks):
    from quizzes.models import QuizOverride
    from review.models import Card
    from tests.review.builders import graded_student

    course, quiz, students, _instructor = _course(7)
    own, grouped, also_grouped, quiet, on_the_hour, reviewer, _plain = students
    # A quiz closed to late work that opens in 20 hours: not reminded before it opens.
    closed = quiz_from_gift(
        LessonFactory(course=course, title="Tirer", slug="tirer"), due_at=NOW + datetime.timedelta(hours=30, minutes=10),
        opens_at=NOW + datetime.timedelta(hours=20, minutes=5), late_policy="refuse",
    )
    QuizOverride.objects.create(quiz=quiz, user=own, due_at=NOW + datetime.timedelta(hours=90, minutes=30))
    QuizOverride.objects.create(quiz=quiz, group="B", due_at=NOW + datetime.timedelta(hours=70, minutes=45))
    Enrollment.objects.filter(course=course, user__in=[grouped, also_grouped]).update(group="B")
    # Quiet for a week in 1 day 21 hours; and one whose week ends exactly on an hour (the rule is strict).
    Enrollment.objects.filter(course=course, user=quiet).update(created_at=NOW - datetime.timedelta(days=5, hours=3, minutes=15))
    week_ends = NOW.replace(minute=0) + datetime.timedelta(hours=5)
    Enrollment.objects.filter(course=course, user=on_the_hour).update(created_at=week_ends - datetime.timedelta(days=7))
    # Review cards falling due tomorrow afternoon (the daily nudge, from 7:00).
    review_lesson = LessonFactory(course=course, title="Réviser", slug="reviser")
    graded_student(django_capture_on_commit_callbacks, lesson=review_lesson, user=reviewer, at=NOW - datetime.timedelta(days=1))
    Card.objects.filter(user=reviewer).update(due=NOW + datetime.timedelta(days=1, hours=2, minutes=13))

    fast = [
        (row.at, row.user.pk, row.kind, row.object_key, row.window, row.context) for row in reminders_forecast(course=course, now=NOW)
    ]

    assert fast == _every_hour_forecast(course, NOW)
    kinds = {(user, kind) for _at, user, kind, *_rest in fast}
    assert {
        (own.pk, "due_soon"), (grouped.pk, "overdue"), (quiet.pk, "inactivity"), (on_the_hour.pk, "inactivity"), (reviewer.pk, "reviews"),
    } <= kinds
    assert {kind for _user, kind in kinds} >= {"instructor_digest", "student_summary"}
