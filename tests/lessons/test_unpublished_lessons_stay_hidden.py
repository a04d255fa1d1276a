"""An unpublished lesson, or one whose release date (« Visible à partir du… ») has not come, is staff-only
everywhere: no student page, reminder, review card, calendar event or gradebook column reaches it or names
it. (The URL × role matrix covers the pages; these cover what is sent and listed.) Each test runs for both
ways of hiding a lesson: the one rule, `lessons.selectors.visible_to_students`, decides both."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.selectors import course_access
from lessons.models import Lesson
from lessons.selectors import lesson_neighbours
from reminders.calendar import calendar_for_user
from reminders.models import Reminder
from reminders.services import reminder_sweep
from review.models import Card
from review.selectors import due_review_counts, review_page
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


HIDINGS = {
    "unpublished": {"is_published": False},
    "released in two days": {"release_at": timezone.now() + datetime.timedelta(days=2)},
}


@pytest.fixture(params=sorted(HIDINGS))
def hidden_and_shown(now, request):
    """Two lessons of one course, each with a quiz due in 20 hours; the first unpublished or not released yet."""
    hidden = LessonFactory(title="Leçon cachée", **HIDINGS[request.param])
    shown = LessonFactory(course=hidden.course, title="Leçon publiée")
    quizzes = [quiz_from_gift(lesson, due_at=now + datetime.timedelta(hours=20)) for lesson in (hidden, shown)]
    student = EnrollmentFactory(course=hidden.course).user
    instructor = EnrollmentFactory(course=hidden.course, role="instructor").user
    return {"hidden": hidden, "shown": shown, "quizzes": quizzes, "student": student, "instructor": instructor}


def test_due_date_reminders_leave_out_quizzes_of_unpublished_lessons(hidden_and_shown, now):
    hidden_quiz, shown_quiz = hidden_and_shown["quizzes"]

    reminder_sweep(now=now)

    keys = set(Reminder.objects.filter(kind="due_soon").values_list("object_key", flat=True))
    assert keys == {f"quiz:{shown_quiz.pk}"}


def test_overdue_reminders_leave_out_quizzes_of_unpublished_lessons(hidden_and_shown, now):
    for quiz in hidden_and_shown["quizzes"]:
        quiz.due_at, quiz.late_policy = now - datetime.timedelta(hours=2), "accept"
        quiz.save()

    reminder_sweep(now=now)

    keys = set(Reminder.objects.filter(kind="overdue").values_list("object_key", flat=True))
    assert keys == {f"quiz:{hidden_and_shown['quizzes'][1].pk}"}


def test_the_weekly_summary_lists_only_published_work(hidden_and_shown, now):
    from reminders.sweeps import Decisions, sweep_student_summaries

    decisions = Decisions()
    sweep_student_summaries(now=now, decisions=decisions)

    (summary,) = [d for d in decisions.rows if d.user_id == hidden_and_shown["student"].pk]
    assert [q["quiz"] for q in summary.context["due"]] == ["Leçon publiée"]
    assert summary.context["lessons_total"] == 1


def test_the_calendar_shows_students_published_quizzes_and_staff_all(hidden_and_shown):
    hidden_quiz, shown_quiz = hidden_and_shown["quizzes"]

    student_feed = calendar_for_user(user=hidden_and_shown["student"]).decode()
    staff_feed = calendar_for_user(user=hidden_and_shown["instructor"]).decode()

    assert f"quiz-{shown_quiz.pk}-due" in student_feed
    assert f"quiz-{hidden_quiz.pk}-due" not in student_feed and "cachée" not in student_feed
    assert f"quiz-{hidden_quiz.pk}-due" in staff_feed


def test_review_cards_of_an_unpublished_lesson_are_neither_served_nor_counted(hidden_and_shown, now, client):
    student = hidden_and_shown["student"]
    course = hidden_and_shown["hidden"].course
    hidden_quiz, _shown = hidden_and_shown["quizzes"]
    card = Card.objects.create(user=student, course=course, quiz=hidden_quiz, question_key="Capitale", due=now - datetime.timedelta(days=1))

    assert review_page(user=student, course=course, now=now).card is None
    assert due_review_counts(course=course, until=now) == {}
    client.force_login(student)
    response = client.post(
        reverse("courses:review:answer", kwargs={"course": course.slug, "card": card.pk}),
        {"question": hidden_quiz.questions.get(key="Capitale").pk, "due": card.due.isoformat()},
    )
    assert response.status_code == 404
    card.refresh_from_db()
    assert card.reviews == 0

    Lesson.objects.filter(pk=hidden_and_shown["hidden"].pk).update(is_published=True, release_at=None)
    assert review_page(user=student, course=course, now=now).card == card


def test_a_student_is_never_linked_to_an_unpublished_neighbour(hidden_and_shown):
    first = hidden_and_shown["shown"]
    course = first.course
    Lesson.objects.filter(pk=first.pk).update(position=1000)
    Lesson.objects.filter(pk=hidden_and_shown["hidden"].pk).update(position=1001)
    third = LessonFactory(course=course, title="Troisième", position=1002)

    as_student = course_access(user=hidden_and_shown["student"], slug=course.slug)
    as_staff = course_access(user=hidden_and_shown["instructor"], slug=course.slug)

    assert lesson_neighbours(access=as_student, lesson=first)[1].pk == third.pk
    assert lesson_neighbours(access=as_staff, lesson=first)[1].pk == hidden_and_shown["hidden"].pk


def test_the_gradebook_counts_only_lessons_students_see(hidden_and_shown):
    from gradebook.selectors.frame import gradebook_frame

    frame = gradebook_frame(course=hidden_and_shown["hidden"].course)

    assert [column.lesson.title for column in frame.columns] == ["Leçon publiée"]


def test_a_release_date_passing_changes_the_gradebook_frame_so_kept_standings_refresh(now):
    import time_machine

    from gradebook.selectors.frame import frame_fingerprint, gradebook_frame

    released = LessonFactory(title="Leçon à venir", release_at=now + datetime.timedelta(days=1))
    LessonFactory(course=released.course, title="Leçon ouverte")
    before = gradebook_frame(course=released.course)

    with time_machine.travel(now + datetime.timedelta(days=1, minutes=1)):
        after = gradebook_frame(course=released.course)

    assert [c.lesson.title for c in before.columns] == ["Leçon ouverte"]
    assert sorted(c.lesson.title for c in after.columns) == ["Leçon ouverte", "Leçon à venir"]
    # A standing kept under the old frame is stale under the new one: the next read recomputes it.
    assert frame_fingerprint(before) != frame_fingerprint(after)
