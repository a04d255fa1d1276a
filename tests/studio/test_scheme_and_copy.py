"""The grading scheme with a preview of the class's totals, and the course copy for a new term."""

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from courses.models import Course, Enrollment
from discussions.models import Post, Thread
from gradebook.models import GradingScheme
from lessons.models import DiscussionPrompt, Lesson
from quizzes.models import Attempt, Question, Quiz
from courses.models import AuditEntry
from tests.gradebook.builders import attempt, course_with_lessons, read, student

SCHEME = {
    "quiz_weight": 70, "participation_weight": 20, "reading_weight": 10, "full_participation_percent": 100,
    "replies_only_percent": 50, "late_penalty_percent": "0", "letter_scale": "A 80\nB 60\nC 0",
}


@pytest.fixture
def graded(db):
    course, instructor, lessons = course_with_lessons(lessons=1, prompts=0, due_in=(dt.timedelta(days=-1),))
    strong = student(course, first_name="Forte", last_name="Quiz")
    reader = student(course, first_name="Lise", last_name="Lectrice")
    attempt(lessons[0], strong, 10)
    read(lessons[0], reader)
    client = Client()
    client.force_login(instructor)
    return course, client


def test_the_preview_shows_how_totals_move_and_saves_nothing(graded):
    course, client = graded
    client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, "save": "1"})
    response = client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, "quiz_weight": 40, "reading_weight": 40, "preview": "1"})
    page = response.content.decode()
    assert "Aperçu des totaux de la classe" in page
    # Forte: 100 % quiz, 0 reading: 87.5 → 50; Lise: 0 quiz, 100 reading: 12.5 → 50.
    assert "87,50 A" in page and "12,50 C" in page and page.count("50,00 C") == 2
    assert "Moyenne de la classe\u00a0: 50,00 → 50,00. 1 étudiant change de lettre." in page
    assert GradingScheme.objects.get(course=course).quiz_weight == 70


def test_weights_that_do_not_total_100_are_refused_and_kept(graded):
    course, client = graded
    page = client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, "quiz_weight": 75, "save": "1"}).content.decode()
    assert "100" in page and 'value="75"' in page
    assert not GradingScheme.objects.filter(course=course).exists()
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.GRADING_SCHEME).exists()


def test_saving_the_scheme_writes_what_changed(graded):
    course, client = graded
    client.post(f"/courses/{course.slug}/studio/scheme/", {**SCHEME, "quiz_weight": 60, "participation_weight": 30, "save": "1"})
    assert GradingScheme.objects.get(course=course).quiz_weight == 60
    line = AuditEntry.objects.get(action="grading_scheme")
    assert line.changes["quiz_weight"] == [70, 60] and line.changes["participation_weight"] == [20, 30]


@pytest.fixture
def source(db):
    from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
    from tests.studio.conftest import STUDIO_GIFT

    course = Course.objects.create(slug="marketing-a2026", title="Marketing", starts_on=dt.date(2026, 9, 1), ends_on=dt.date(2026, 12, 15))
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    pupil = EnrollmentFactory(course=course).user
    lesson = LessonFactory(course=course, slug="push-pull", position=1, is_published=False)
    DiscussionPrompt.objects.create(lesson=lesson, position=1, title="Exemple", body="Un exemple ?")
    DiscussionPrompt.objects.create(lesson=lesson, position=2, title="Ancienne", body="Retirée", is_active=False)
    quiz = quiz_from_gift(lesson, STUDIO_GIFT, due_at=dt.datetime(2026, 9, 20, 23, 59, tzinfo=dt.timezone.utc),
                          time_limit_minutes=30, max_attempts=3)
    Question.objects.filter(quiz=quiz, title="Médias").update(is_hidden=True)
    Attempt.objects.create(quiz=quiz, user=pupil, number=1)
    thread = Thread.objects.create(lesson=lesson, author=teacher, title="Fil", last_post_at=timezone.now())
    Post.objects.create(thread=thread, author=pupil, body="Bonjour", body_html="<p>Bonjour</p>")
    GradingScheme.objects.create(course=course, quiz_weight=50, participation_weight=30, reading_weight=20)
    return course, teacher


def test_copy_course_command_copies_content_and_settings_but_no_students_and_shifts_dates(source):
    course, teacher = source
    out = StringIO()
    call_command("copy_course", course.slug, "marketing-h2027", "--starts", "2027-01-05", stdout=out)
    copy = Course.objects.get(slug="marketing-h2027")
    assert "marketing-h2027: 1 lessons" in out.getvalue()
    assert (copy.starts_on, copy.ends_on) == (dt.date(2027, 1, 5), dt.date(2027, 4, 20))
    assert list(copy.enrollments.values_list("user", "role")) == [(teacher.pk, "instructor")]
    lesson = Lesson.objects.get(course=copy)
    assert not lesson.is_published
    assert list(lesson.prompts.order_by("position").values_list("title", "is_active")) == [("Exemple", True), ("Ancienne", False)]
    quiz = Quiz.objects.get(lesson=lesson)
    assert quiz.due_at == dt.datetime(2027, 1, 24, 23, 59, tzinfo=dt.timezone.utc)
    assert (quiz.time_limit_minutes, quiz.max_attempts) == (30, 3)
    questions = list(quiz.questions.order_by("position"))
    assert [(q.title, q.is_hidden) for q in questions] == [("Push", False), ("Réseau", False), ("Médias", True)]
    original = Question.objects.get(quiz__lesson__course=course, title="Push")
    assert questions[0].data["answers"][0]["id"] != original.data["answers"][0]["id"]
    assert not Attempt.objects.filter(quiz=quiz).exists()
    assert not Post.objects.filter(thread__lesson=lesson).exclude(is_opening=True).exists()
    assert Thread.objects.filter(lesson=lesson, prompt__isnull=False).count() == 1
    assert GradingScheme.objects.get(course=copy).quiz_weight == 50


def test_copy_course_again_returns_the_same_copy_and_another_course_with_the_slug_is_refused(source):
    course, _teacher = source
    call_command("copy_course", course.slug, "marketing-h2027", "--starts", "2027-01-05", stdout=StringIO())
    call_command("copy_course", course.slug, "marketing-h2027", "--starts", "2027-01-05", stdout=StringIO())
    assert Course.objects.filter(slug="marketing-h2027").count() == 1
    Course.objects.create(slug="autre", title="Autre")
    with pytest.raises(CommandError, match="existe déjà|already exists"):
        call_command("copy_course", course.slug, "autre", "--starts", "2027-01-05", stdout=StringIO())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("copy_course", course.slug, "x", "--starts", "05/01/2027", stdout=StringIO())


def test_the_studio_copies_the_course_and_opens_the_copy(source):
    course, teacher = source
    client = Client()
    client.force_login(teacher)
    starts = (timezone.localdate() + dt.timedelta(days=60)).isoformat()
    page = client.post(f"/courses/{course.slug}/studio/copy/", {"new_slug": "hier", "title": "Copie", "starts_on": "2020-01-01"}).content.decode()
    assert "Cette date est passée" in page and not Course.objects.filter(slug="hier").exists()
    response = client.post(f"/courses/{course.slug}/studio/copy/", {"new_slug": "marketing-next", "title": "Marketing (suite)", "starts_on": starts})
    assert response.status_code == 302 and response["Location"] == "/courses/marketing-next/studio/"
    copy = Course.objects.get(slug="marketing-next")
    assert copy.title == "Marketing (suite)"
    again = client.post(f"/courses/{course.slug}/studio/copy/", {"new_slug": "marketing-next", "title": "Marketing (suite)", "starts_on": starts})
    assert again["Location"] == "/courses/marketing-next/studio/" and Course.objects.filter(slug__startswith="marketing-next").count() == 1
    assert AuditEntry.objects.get(course=copy, action="course_copy").actor == teacher


def test_a_course_without_a_start_date_is_copied_with_its_first_quiz_a_week_after_the_new_start(source):
    course, _teacher = source
    Course.objects.filter(pk=course.pk).update(starts_on=None, ends_on=None)
    call_command("copy_course", course.slug, "sans-date", "--starts", "2027-01-04", stdout=StringIO())
    quiz = Quiz.objects.get(lesson__course__slug="sans-date")
    assert timezone.localtime(quiz.due_at).date() == dt.date(2027, 1, 11)
