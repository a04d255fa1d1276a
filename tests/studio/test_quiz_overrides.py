"""The studio's overrides page (a student's or a group's own quiz dates) and a student's extra time."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from courses.models import AuditEntry, Enrollment
from notifications.models import Notification
from quizzes.dates import quiz_dates_for
from quizzes.models import QuizOverride
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.studio.conftest import url

FORMAT = "%Y-%m-%dT%H:%M"


def overrides_url(studio, suffix=""):
    return url(studio, f"quizzes/{studio['lesson'].slug}/overrides/{suffix}")


def test_an_instructor_gives_a_student_a_later_due_date_logged_and_told(studio, prof):
    student, quiz = studio["student"], studio["quiz"]
    due = timezone.localtime() + timedelta(days=10)
    response = prof.post(overrides_url(studio), {"who": f"student:{student.pk}", "due_at": due.strftime(FORMAT), "max_attempts": "3"})
    assert response.status_code == 302
    override = QuizOverride.objects.get(quiz=quiz, user=student)
    assert override.max_attempts == 3 and timezone.localtime(override.due_at).strftime(FORMAT) == due.strftime(FORMAT)
    assert quiz_dates_for(quizzes=[quiz], user_id=student.pk)[quiz.pk].max_attempts == 3
    entry = AuditEntry.objects.get(action=AuditEntry.Action.QUIZ_OVERRIDE_SET)
    assert entry.subject == student and entry.actor == studio["instructor"] and "max_attempts" in entry.changes
    notice = Notification.objects.get(user=student, kind="override_granted")
    assert quiz.lesson.slug in notice.url
    # The same post again changes nothing, writes no second line and tells no one twice.
    prof.post(overrides_url(studio), {"who": f"student:{student.pk}", "due_at": due.strftime(FORMAT), "max_attempts": "3"})
    assert AuditEntry.objects.filter(action=AuditEntry.Action.QUIZ_OVERRIDE_SET).count() == 1
    assert Notification.objects.filter(user=student).count() == 1


def test_a_group_override_is_listed_edited_and_removed(studio, prof):
    course, quiz = studio["course"], studio["quiz"]
    Enrollment.objects.filter(course=course, user=studio["student"]).update(group="Équipe 2")
    prof.post(overrides_url(studio), {"who": "group:Équipe 2", "time_limit_minutes": "90"})
    override = QuizOverride.objects.get(quiz=quiz, group="Équipe 2")
    assert Notification.objects.filter(user=studio["student"], kind="override_granted").exists()
    page = prof.get(overrides_url(studio)).content.decode()
    assert "Équipe 2" in page
    assert prof.get(overrides_url(studio, f"{override.pk}/")).status_code == 200
    prof.post(overrides_url(studio, f"{override.pk}/"), {"time_limit_minutes": "120", "who": "student:1"})
    override.refresh_from_db()
    assert override.time_limit_minutes == 120 and override.user is None  # the target never changes on edit
    prof.post(overrides_url(studio, f"{override.pk}/delete/"))
    prof.post(overrides_url(studio, f"{override.pk}/delete/"))  # a second click finds it gone
    assert not QuizOverride.objects.exists()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.QUIZ_OVERRIDE_DELETE).count() == 1


def test_a_bad_override_shows_what_is_wrong_and_keeps_what_was_typed(studio, prof):
    past = (timezone.localtime() - timedelta(days=1)).strftime(FORMAT)
    response = prof.post(overrides_url(studio), {"who": f"student:{studio['student'].pk}", "due_at": past, "max_attempts": "4"})
    assert response.status_code == 200
    page = response.content.decode()
    assert past in page and 'value="4"' in page
    assert prof.post(overrides_url(studio), {"who": f"student:{studio['student'].pk}"}).status_code == 200
    assert prof.post(overrides_url(studio), {"who": f"student:{studio['outsider'].pk}", "max_attempts": "2"}).status_code == 200
    assert not QuizOverride.objects.exists()


def test_teaching_assistants_read_the_page_but_cannot_write(studio):
    assistant = Client()
    assistant.force_login(studio["assistant"])
    assert assistant.get(overrides_url(studio)).status_code == 200
    assert assistant.post(overrides_url(studio), {"who": f"student:{studio['student'].pk}", "max_attempts": "2"}).status_code == 403
    assert not QuizOverride.objects.exists()


def test_extra_time_is_set_on_the_people_page_logged_and_told(studio, prof):
    student, quiz = studio["student"], studio["quiz"]
    quiz.time_limit_minutes = 30
    quiz.save()
    response = prof.post(url(studio, f"people/{student.pk}/"), {"action": "save", "role": "student", "group": "", "extra_time_percent": "33"})
    assert response.status_code == 302
    assert Enrollment.objects.get(course=studio["course"], user=student).extra_time_percent == 33
    assert quiz_dates_for(quizzes=[quiz], user_id=student.pk)[quiz.pk].time_limit_minutes == 40
    entry = AuditEntry.objects.get(action=AuditEntry.Action.EXTRA_TIME)
    assert entry.changes == {"extra_time_percent": [0, 33]} and entry.subject == student
    assert Notification.objects.filter(user=student, kind="override_granted").count() == 1
    assert "+33" in prof.get(overrides_url(studio)).content.decode()
    # Out of bounds: refused, nothing changed.
    prof.post(url(studio, f"people/{student.pk}/"), {"action": "save", "role": "student", "group": "", "extra_time_percent": "900"})
    assert Enrollment.objects.get(course=studio["course"], user=student).extra_time_percent == 33


def build(size):
    lesson = LessonFactory(slug="premiere", position=1)
    course = lesson.course
    quiz = quiz_from_gift(lesson, time_limit_minutes=30)
    instructor = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    students = [EnrollmentFactory(course=course, group=f"G{n % 3}", extra_time_percent=25 * (n % 2)).user for n in range(size * 3)]
    for user in students[:size]:
        QuizOverride.objects.create(quiz=quiz, user=user, max_attempts=3)
    QuizOverride.objects.create(quiz=quiz, group="G1", due_at=timezone.now() + timedelta(days=9))
    client = Client()
    client.force_login(instructor)
    return course, client


@pytest.mark.parametrize("size", [2, 12])
def test_the_overrides_page_has_a_constant_query_count(db, django_assert_num_queries, size):
    course, client = build(size)
    # Session and user, course access, the lesson, its quiz, then the overrides (with their students) and the
    # course's students (for the « For » list, the groups and their extra time): the same at any class size.
    with django_assert_num_queries(8):
        response = client.get(f"/courses/{course.slug}/studio/quizzes/premiere/overrides/")
    assert response.status_code == 200
