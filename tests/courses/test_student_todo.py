"""« À faire »: what a student has to do, late work first, on the course page and the « Mes cours » page."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from courses.signals import TODO_DUE_SOON, TODO_OVERDUE, TODO_REVIEW, student_todo
from quizzes.models import Attempt, Question
from review.models import Card
from tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = pytest.mark.django_db

SHORT_GIFT = "::Capitale:: Quelle est la capitale du Québec ? {=Québec ~Montréal}"


@pytest.fixture
def now():
    return timezone.now().replace(microsecond=0)


def _quiz(course, position, title, **settings):
    lesson = LessonFactory(course=course, position=position, title=title, slug=f"lecon-{position}")
    return quiz_from_gift(lesson, text=SHORT_GIFT, **settings)


@pytest.fixture
def term(now):
    """A course with a quiz late, one due in 3 days, one in 3 weeks, one late that refuses late work, and a
    student with a review card due."""
    course = CourseFactory(slug="marketing-todo", title="Marketing numérique")
    student = EnrollmentFactory(course=course).user
    quizzes = {
        "soon": _quiz(course, 1, "Pousser ou tirer", due_at=now + datetime.timedelta(days=3)),
        "late": _quiz(course, 2, "Le mythe de la prospection", due_at=now - datetime.timedelta(days=2), late_policy="accept"),
        "later": _quiz(course, 3, "Effets de réseau", due_at=now + datetime.timedelta(days=21)),
        "closed": _quiz(course, 4, "Médias POEM", due_at=now - datetime.timedelta(days=1), late_policy="refuse"),
        "late2": _quiz(course, 5, "Persuasion", due_at=now - datetime.timedelta(hours=3), late_policy="accept"),
    }
    question = Question.objects.filter(quiz=quizzes["later"]).first()
    Card.objects.create(user=student, course=course, quiz=quizzes["later"], question_key=question.key, due=now - datetime.timedelta(hours=1))
    return {"course": course, "student": student, "quizzes": quizzes}


def test_todo_lists_late_work_first_then_this_week_then_reviews(term, now):
    items = student_todo(user_id=term["student"].pk, course_ids=[term["course"].pk], now=now)[term["course"].pk]

    assert [(item["rank"], item["title"]) for item in items] == [
        (TODO_OVERDUE, "Le mythe de la prospection"),  # the oldest late work first
        (TODO_OVERDUE, "Persuasion"),
        (TODO_DUE_SOON, "Pousser ou tirer"),
        (TODO_REVIEW, "1 question à réviser"),
    ]
    # Neither a quiz due in three weeks nor a late one that no longer accepts work.
    assert all(item["title"] not in ("Effets de réseau", "Médias POEM") for item in items)


def test_a_submitted_quiz_leaves_the_todo(term, now):
    late = term["quizzes"]["late"]
    Attempt.objects.create(quiz=late, user=term["student"], number=1, status="submitted", submitted_at=now, score=1, max_score=1)

    items = student_todo(user_id=term["student"].pk, course_ids=[term["course"].pk], now=now)[term["course"].pk]

    assert "Le mythe de la prospection" not in [item["title"] for item in items]


def test_course_page_shows_the_todo_and_the_next_step_is_the_late_quiz(client, term):
    client.force_login(term["student"])

    page = client.get(reverse("courses:detail", kwargs={"course": term["course"].slug})).content.decode()

    todo = page.split('data-testid="todo-list"')[1].split("</ul>")[0]
    assert todo.index("Le mythe de la prospection") < todo.index("Persuasion") < todo.index("Pousser ou tirer") < todo.index("1 question à réviser")
    assert todo.count('data-testid="todo-overdue"') == 2
    next_step = page.split('data-testid="next-step"')[1].split("</a>")[0]
    # Unread lessons wait: the next step never skips overdue work.
    assert "Rattraper « Le mythe de la prospection » (en retard)" in next_step


def test_next_step_is_the_next_reading_when_nothing_is_late(client, term, now):
    for quiz in (term["quizzes"]["late"], term["quizzes"]["late2"]):
        Attempt.objects.create(quiz=quiz, user=term["student"], number=1, status="submitted", submitted_at=now, score=1, max_score=1)
    client.force_login(term["student"])

    page = client.get(reverse("courses:detail", kwargs={"course": term["course"].slug})).content.decode()

    assert "Lire « Pousser ou tirer »" in page.split('data-testid="next-step"')[1].split("</a>")[0]


def test_my_courses_shows_each_studied_course_todo_and_none_for_taught_courses(client, term):
    taught = CourseFactory(slug="autre-cours", title="Cours enseigné")
    EnrollmentFactory(course=taught, user=term["student"], role=Enrollment.Role.TEACHING_ASSISTANT)
    client.force_login(term["student"])

    page = client.get(reverse("courses:my_courses")).content.decode()

    assert page.count('data-testid="todo-list"') == 1
    assert page.index("Le mythe de la prospection") < page.index("Pousser ou tirer")


def test_staff_see_no_todo_on_the_course_page(client, term):
    teacher = EnrollmentFactory(course=term["course"], role=Enrollment.Role.INSTRUCTOR).user
    client.force_login(teacher)

    page = client.get(reverse("courses:detail", kwargs={"course": term["course"].slug})).content.decode()

    assert 'data-testid="todo"' not in page


def test_lesson_page_says_late_beside_a_past_due_date_until_submitted(client, term, now):
    client.force_login(term["student"])
    late = term["quizzes"]["late"]
    url = reverse("courses:lessons:detail", kwargs={"course": term["course"].slug, "lesson": late.lesson.slug})

    assert 'data-testid="quiz-overdue"' in client.get(url).content.decode()
    soon = term["quizzes"]["soon"]
    assert 'data-testid="quiz-overdue"' not in client.get(
        reverse("courses:lessons:detail", kwargs={"course": term["course"].slug, "lesson": soon.lesson.slug})
    ).content.decode()

    Attempt.objects.create(quiz=late, user=term["student"], number=1, status="submitted", submitted_at=now, score=1, max_score=1)
    assert 'data-testid="quiz-overdue"' not in client.get(url).content.decode()


def test_the_account_menu_links_to_preferences_and_the_calendar_feed(client, term):
    client.force_login(term["student"])

    page = client.get(reverse("courses:my_courses")).content.decode()

    assert f'href="{reverse("reminders:preferences")}"' in page
    feed = page.split('data-testid="calendar-link"')[0].rsplit('href="', 1)[1].split('"')[0]
    client.logout()
    response = client.get(feed)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")


def _class_of(size, now):
    course = CourseFactory(slug=f"classe-{size}")
    student = EnrollmentFactory(course=course).user
    for position in range(1, 4):
        quiz = _quiz(course, position, f"Leçon {position}", due_at=now + datetime.timedelta(days=position - 2), late_policy="accept")
        question = Question.objects.filter(quiz=quiz).first()
        for other in [student] + [EnrollmentFactory(course=course).user for _ in range(size)]:
            Card.objects.create(user=other, course=course, quiz=quiz, question_key=question.key, due=now)
    return course, student


@pytest.mark.parametrize("size", [2, 30])
def test_course_page_and_my_courses_hold_their_query_count(client, django_assert_num_queries, size, now):
    course, student = _class_of(size, now)
    client.force_login(student)

    # Session, user, enrolment+course, lessons, progress, unread notifications, quizzes not submitted, the
    # student's own dates (overrides, extra time: 2), review cards.
    with django_assert_num_queries(10):
        assert client.get(reverse("courses:detail", kwargs={"course": course.slug})).status_code == 200
    # Session, user, enrolments+courses, unread notifications, quizzes not submitted, own dates (2), review cards.
    with django_assert_num_queries(8):
        assert client.get(reverse("courses:my_courses")).status_code == 200
