import html
import re

import pytest
import yaml
from django.urls import reverse

from lessons.models import Lesson, LessonProgress
from tests.conftest import SEEDS_DIR
from tests.factories import DiscussionPromptFactory, EnrollmentFactory, LessonFactory

pytestmark = pytest.mark.django_db

LIST_MARKER = re.compile(r"^(\d{1,2}\.|[–—•-])\s*")


def visible_text(markup: str) -> str:
    """The page as a reader sees it: tags removed, quotes and spaces folded to one form."""
    text = re.sub(r"<[^>]+>", " ", markup)
    return normalise(html.unescape(text))


def normalise(text: str) -> str:
    text = text.replace("’", "'").replace("«", '"').replace("»", '"')
    return re.sub(r"[\s\u00a0\u202f]+", "", text)


def seed_lines(stem: str) -> list[str]:
    companion = yaml.safe_load((SEEDS_DIR / f"{stem}.yml").read_text(encoding="utf-8"))
    furniture = {" ".join(line.replace("\u00a0", " ").split()) for line in companion["furniture"]}
    lines = []
    for raw in (SEEDS_DIR / f"{stem}.txt").read_text(encoding="utf-8").splitlines():
        line = " ".join(raw.replace("\u00a0", " ").split())
        if line and line not in furniture:
            lines.append(LIST_MARKER.sub("", line))
    return lines


def lesson_url(lesson):
    return reverse("courses:lessons:detail", kwargs={"course": lesson.course.slug, "lesson": lesson.slug})


@pytest.mark.parametrize("stem", sorted(p.stem for p in SEEDS_DIR.glob("*.txt")))
def test_lesson_page_shows_every_line_of_its_seed_and_no_furniture(client, course, student, stem):
    lesson = Lesson.objects.get(course=course, source_key=stem)
    client.force_login(student)

    response = client.get(lesson_url(lesson))

    page = visible_text(response.content.decode())
    missing = [line for line in seed_lines(stem) if normalise(line) not in page]
    assert missing == []
    companion = yaml.safe_load((SEEDS_DIR / f"{stem}.yml").read_text(encoding="utf-8"))
    reading = visible_text(response.content.decode().split('data-testid="lesson-text"')[1].split("</section>")[0])
    for furniture in companion["furniture"]:
        assert normalise(" ".join(furniture.split())) not in reading
    for prompt in companion["prompts"]:
        assert normalise(prompt["title"]) in page


def test_lesson_page_applies_french_typography(client, course, student):
    lesson = Lesson.objects.get(course=course, slug="ressorts-persuasion-reseaux-sociaux")
    client.force_login(student)

    page = client.get(lesson_url(lesson)).content.decode()

    # The seed's straight quotes ("officielles") become guillemets with non-breaking spaces.
    assert "«\u00a0officielles\u00a0»" in page
    assert ' :' not in re.sub(r"<[^>]+>", "", page.split('data-testid="lesson-text"')[1].split("</section>")[0])


def test_marking_a_lesson_read_moves_the_progress_bar(client, course, student):
    lesson = course.lessons.get(position=1)
    client.force_login(student)
    course_url = reverse("courses:detail", kwargs={"course": course.slug})
    assert 'aria-valuenow="0"' in client.get(course_url).content.decode()

    response = client.post(reverse("courses:lessons:read", kwargs={"course": course.slug, "lesson": lesson.slug}))

    assert response.status_code == 302
    assert LessonProgress.objects.filter(user=student, lesson=lesson).exists()
    page = client.get(course_url).content.decode()
    assert 'aria-valuenow="20"' in page
    progress_page = client.get(reverse("courses:progress", kwargs={"course": course.slug})).content.decode()
    assert 'aria-valuenow="20"' in progress_page


def test_what_to_do_next_points_to_the_first_unread_lesson(client, course, student):
    first, second = course.lessons.order_by("position")[:2]
    LessonProgress.objects.create(lesson=first, user=student, read_at="2026-11-01T12:00:00Z")
    client.force_login(student)

    response = client.get(reverse("courses:detail", kwargs={"course": course.slug}))

    assert response.context["progress"].next_lesson == second
    assert lesson_url(second) in response.content.decode().split('id="standing-heading"')[1]


def test_marking_read_twice_keeps_one_record_and_unmarking_removes_it(client, course, student):
    lesson = course.lessons.get(position=3)
    client.force_login(student)
    url = reverse("courses:lessons:read", kwargs={"course": course.slug, "lesson": lesson.slug})

    client.post(url, {"read": "1"})
    client.post(url, {"read": "1"})
    assert LessonProgress.objects.filter(user=student, lesson=lesson).count() == 1

    client.post(url, {"read": "0"})
    assert not LessonProgress.objects.filter(user=student, lesson=lesson).exists()


def test_mark_read_refuses_get(client, course, student):
    lesson = course.lessons.get(position=1)
    client.force_login(student)

    response = client.get(reverse("courses:lessons:read", kwargs={"course": course.slug, "lesson": lesson.slug}))

    assert response.status_code == 405
    assert not LessonProgress.objects.exists()


def build_course(lessons: int, students: int):
    enrollment = EnrollmentFactory()
    course = enrollment.course
    for position in range(1, lessons + 1):
        lesson = LessonFactory(course=course, position=position)
        DiscussionPromptFactory.create_batch(3, lesson=lesson)
    for _ in range(students):
        other = EnrollmentFactory(course=course)
        for lesson in course.lessons.all()[:2]:
            LessonProgress.objects.create(lesson=lesson, user=other.user, read_at="2026-11-01T12:00:00Z")
    return course, enrollment.user


@pytest.mark.parametrize("lessons, students", [(2, 1), (25, 40)])
def test_course_and_lesson_pages_run_a_constant_number_of_queries(
    client, django_assert_num_queries, lessons, students
):
    course, user = build_course(lessons, students)
    client.force_login(user)
    lesson = course.lessons.order_by("position").last()
    LessonProgress.objects.create(lesson=lesson, user=user, read_at="2026-11-01T12:00:00Z")

    # Session, user, enrolment+course, lessons, progress, the header's unread notifications.
    with django_assert_num_queries(6):
        assert client.get(reverse("courses:detail", kwargs={"course": course.slug})).status_code == 200
    # The progress page is the gradebook's: session, user, enrolment+course, grading scheme, lessons
    # (with quiz and prompt counts), and the student's reading, attempts, posts and overrides, notifications,
    # and the spaced-review summary (daily cap and reviews done, in one query), and the review participation
    # credit the grade counts (asked through `courses.signals`: the review app answers in one query, and the
    # gradebook cannot fold it into its own queries without importing that app).
    with django_assert_num_queries(12):
        assert client.get(reverse("courses:progress", kwargs={"course": course.slug})).status_code == 200
    # Session, user, enrolment+course, lesson+quiz, prompts, neighbours, progress, threads, notifications.
    with django_assert_num_queries(9):
        assert client.get(lesson_url(lesson)).status_code == 200
