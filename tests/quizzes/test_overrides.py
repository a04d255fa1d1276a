"""A student's own quiz dates (`quizzes.dates`): the rule, and the attempt rules that follow it."""

from datetime import datetime, timedelta, timezone as tz

import pytest
from django.urls import reverse
from django.utils import timezone

from coursesite.errors import ActionRefused
from quizzes.dates import QuizDates, dates_apply, quiz_dates_for, quiz_dates_for_class
from quizzes.models import Attempt, Quiz, QuizOverride
from quizzes.services import AttemptError, attempt_start, attempt_submit, quiz_override_delete, quiz_override_save
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

JAN = datetime(2027, 1, 10, 12, 0, tzinfo=tz.utc)
BASE = QuizDates(opens_at=JAN, due_at=JAN + timedelta(days=7), time_limit_minutes=45, max_attempts=1)


def row(**values):
    return {"opens_at": None, "due_at": None, "time_limit_minutes": None, "max_attempts": None, **values}


# --------------------------------------------------------------------------- the rule, without queries


def test_without_any_override_a_student_has_the_quizs_dates():
    assert dates_apply(quiz_dates=BASE, group_rows=[], own_row=None) == BASE


def test_extra_time_lengthens_the_time_limit_rounded_up_to_the_minute():
    # 45 min at +33 % is 59.85 min: the plan is never shortened, the student gets 60.
    assert dates_apply(quiz_dates=BASE, group_rows=[], own_row=None, extra_time_percent=33).time_limit_minutes == 60
    assert dates_apply(quiz_dates=BASE, group_rows=[], own_row=None, extra_time_percent=50).time_limit_minutes == 68


def test_extra_time_gives_nothing_on_an_untimed_quiz():
    untimed = QuizDates(None, JAN, None, None)
    assert dates_apply(quiz_dates=untimed, group_rows=[], own_row=None, extra_time_percent=33) == untimed


def test_among_groups_the_most_generous_value_of_each_field_wins():
    later, latest = JAN + timedelta(days=9), JAN + timedelta(days=12)
    dates = dates_apply(quiz_dates=BASE, group_rows=[
        row(due_at=later, max_attempts=3, opens_at=JAN - timedelta(days=1)),
        row(due_at=latest, time_limit_minutes=90, max_attempts=2),
    ], own_row=None)
    assert dates == QuizDates(opens_at=JAN - timedelta(days=1), due_at=latest, time_limit_minutes=90, max_attempts=3)


def test_a_students_own_override_beats_their_groups_even_when_stricter():
    dates = dates_apply(
        quiz_dates=BASE, group_rows=[row(due_at=JAN + timedelta(days=12), max_attempts=3)],
        own_row=row(due_at=JAN + timedelta(days=8)),
    )
    # Own due date wins; what the own row leaves empty still comes from the group.
    assert dates.due_at == JAN + timedelta(days=8) and dates.max_attempts == 3


def test_a_students_own_time_limit_is_final_and_extra_time_does_not_stack_on_it():
    assert dates_apply(quiz_dates=BASE, group_rows=[], own_row=row(time_limit_minutes=80), extra_time_percent=33).time_limit_minutes == 80
    # A group's time limit is lengthened like the quiz's.
    assert dates_apply(quiz_dates=BASE, group_rows=[row(time_limit_minutes=60)], own_row=None, extra_time_percent=50).time_limit_minutes == 90


# --------------------------------------------------------------------------- read from the database


@pytest.fixture
def world():
    lesson = LessonFactory()
    due = timezone.now() + timedelta(days=2)
    quiz = quiz_from_gift(lesson, time_limit_minutes=30, max_attempts=1, due_at=due)
    other = quiz_from_gift(LessonFactory(course=lesson.course, position=2), time_limit_minutes=20, due_at=due)
    ann = EnrollmentFactory(course=lesson.course, group="A", extra_time_percent=50).user
    bob = EnrollmentFactory(course=lesson.course, group="A").user
    cat = EnrollmentFactory(course=lesson.course, group="B").user
    return quiz, other, ann, bob, cat


@pytest.mark.django_db
def test_reading_many_quizzes_and_students_runs_two_queries(world, django_assert_num_queries):
    quiz, other, ann, bob, cat = world
    quiz_override_save(quiz=quiz, group="A", due_at=quiz.due_at + timedelta(days=1))
    quiz_override_save(quiz=other, user=cat, max_attempts=4)
    with django_assert_num_queries(2):
        dates = quiz_dates_for_class(quizzes=[quiz, other], user_ids=[ann.pk, bob.pk, cat.pk])
    assert dates[(quiz.pk, ann.pk)].due_at == dates[(quiz.pk, bob.pk)].due_at == quiz.due_at + timedelta(days=1)
    assert dates[(quiz.pk, cat.pk)].due_at == quiz.due_at
    assert dates[(quiz.pk, ann.pk)].time_limit_minutes == 45  # +50 %, on every timed quiz of the course
    assert dates[(other.pk, ann.pk)].time_limit_minutes == 30
    assert dates[(other.pk, cat.pk)].max_attempts == 4 and dates[(quiz.pk, cat.pk)].max_attempts == 1
    with django_assert_num_queries(2):
        assert quiz_dates_for(quizzes=[quiz, other], user_id=bob.pk)[other.pk] == QuizDates.of_quiz(other)


@pytest.mark.django_db
def test_a_group_name_of_another_course_gives_nothing(world):
    quiz, _other, _ann, _bob, _cat = world
    stranger = EnrollmentFactory(group="A").user  # group A, but of another course
    quiz_override_save(quiz=quiz, group="A", max_attempts=5)
    assert quiz_dates_for(quizzes=[quiz], user_id=stranger.pk)[quiz.pk].max_attempts == 1


# --------------------------------------------------------------------------- the attempt rules follow


@pytest.mark.django_db
def test_extra_time_gives_a_longer_timer(world):
    quiz, _other, ann, bob, _cat = world
    now = timezone.now()
    assert attempt_start(quiz=quiz, user=ann, now=now).deadline_at == now + timedelta(minutes=45)
    assert attempt_start(quiz=quiz, user=bob, now=now).deadline_at == now + timedelta(minutes=30)


@pytest.mark.django_db
def test_an_extra_attempt_lets_one_student_start_again(world):
    quiz, _other, ann, bob, _cat = world
    for user in (ann, bob):
        attempt_submit(attempt_id=attempt_start(quiz=quiz, user=user).pk)
    quiz_override_save(quiz=quiz, user=ann, max_attempts=2)
    assert attempt_start(quiz=quiz, user=ann).number == 2
    with pytest.raises(AttemptError):
        attempt_start(quiz=quiz, user=bob)


@pytest.mark.django_db
def test_a_later_due_date_keeps_the_quiz_open_and_the_work_on_time(world):
    quiz, _other, ann, bob, _cat = world
    Quiz.objects.filter(pk=quiz.pk).update(late_policy=Quiz.LatePolicy.REFUSE)
    quiz.refresh_from_db()
    quiz_override_save(quiz=quiz, user=ann, due_at=quiz.due_at + timedelta(days=3))
    after_the_class = quiz.due_at + timedelta(days=1)
    with pytest.raises(AttemptError):
        attempt_start(quiz=quiz, user=bob, now=after_the_class)
    attempt = attempt_start(quiz=quiz, user=ann, now=after_the_class)
    attempt = attempt_submit(attempt_id=attempt.pk, now=after_the_class + timedelta(minutes=5))
    assert not attempt.is_late


@pytest.mark.django_db
def test_an_opening_date_of_their_own_lets_a_student_start_early(world):
    quiz, _other, ann, bob, _cat = world
    Quiz.objects.filter(pk=quiz.pk).update(opens_at=timezone.now() + timedelta(days=1))
    quiz.refresh_from_db()
    quiz_override_save(quiz=quiz, user=ann, opens_at=timezone.now() - timedelta(hours=1))
    assert attempt_start(quiz=quiz, user=ann).pk
    with pytest.raises(AttemptError):
        attempt_start(quiz=quiz, user=bob)


@pytest.mark.django_db
def test_a_late_mark_follows_a_due_date_moved_after_the_submission(world):
    quiz, _other, ann, _bob, _cat = world
    late = quiz.due_at + timedelta(hours=2)
    attempt = attempt_submit(attempt_id=attempt_start(quiz=quiz, user=ann, now=late).pk, now=late + timedelta(minutes=1))
    assert attempt.is_late
    override, _changes, _students = quiz_override_save(quiz=quiz, user=ann, due_at=quiz.due_at + timedelta(days=1), now=quiz.due_at - timedelta(hours=1))
    assert not Attempt.objects.get(pk=attempt.pk).is_late
    quiz_override_delete(override=override)
    assert Attempt.objects.get(pk=attempt.pk).is_late


@pytest.mark.django_db
def test_an_override_must_change_something_and_cannot_be_due_in_the_past(world):
    quiz, _other, ann, _bob, _cat = world
    with pytest.raises(ActionRefused):
        quiz_override_save(quiz=quiz, user=ann)
    with pytest.raises(ActionRefused):
        quiz_override_save(quiz=quiz, user=ann, due_at=timezone.now() - timedelta(days=1))
    assert not QuizOverride.objects.exists()


@pytest.mark.django_db
def test_saving_the_same_override_twice_changes_nothing_the_second_time(world):
    quiz, _other, ann, _bob, _cat = world
    due = quiz.due_at + timedelta(days=1)
    assert quiz_override_save(quiz=quiz, user=ann, due_at=due)[1] == {"due_at": [None, due]}
    assert quiz_override_save(quiz=quiz, user=ann, due_at=due)[1] == {}
    assert QuizOverride.objects.count() == 1


@pytest.mark.django_db
def test_the_quiz_page_shows_the_students_own_dates(client, world):
    quiz, _other, ann, bob, _cat = world
    quiz_override_save(quiz=quiz, user=ann, due_at=quiz.due_at + timedelta(days=3))
    url = reverse("courses:quizzes:start", kwargs={"course": quiz.lesson.course.slug, "lesson": quiz.lesson.slug})
    client.force_login(ann)
    page = client.get(url, headers={"accept-language": "fr-ca"}).content.decode()
    assert "Votre date de remise" in page and "45 minutes" in page
    client.force_login(bob)
    page = client.get(url, headers={"accept-language": "fr-ca"}).content.decode()
    assert "Votre date de remise" not in page and "30 minutes" in page
    lesson_page = client.get(reverse("courses:lessons:detail", kwargs={"course": quiz.lesson.course.slug, "lesson": quiz.lesson.slug}))
    assert lesson_page.status_code == 200
    client.force_login(ann)
    lesson_page = client.get(reverse("courses:lessons:detail", kwargs={"course": quiz.lesson.course.slug, "lesson": quiz.lesson.slug}))
    assert "Votre date de remise" in lesson_page.content.decode()
