"""An instructor writes a lesson in the studio (Markdown reading, live preview, release date tomorrow);
a student does not find it today and reads it the day after."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Enrollment
from lessons.models import Lesson
from tests.browser.test_accessibility import blocking_violations, log_in
from tests.factories import EnrollmentFactory, LessonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

READING = """## Attirer plutôt que pousser

Trois leviers du Pull :

- le contenu utile
- la recommandation
- la présence en ligne

Lire [l'article d'origine](https://example.org/pull).
"""


def test_instructor_writes_a_lesson_released_tomorrow_and_a_student_reads_it_the_day_after(live_server, page):
    course = LessonFactory(slug="push-pull", title="Push et Pull", position=1).course
    prof = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR, user=UserFactory(username="prof")).user
    student = EnrollmentFactory(course=course).user
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.set_default_timeout(20_000)
    found = {}

    log_in(page, live_server, prof)
    page.goto(f"{live_server.url}/courses/{course.slug}/studio/lessons/")
    page.get_by_role("link", name="Nouvelle leçon").click()
    expect(page.get_by_role("heading", name="Nouvelle leçon", level=1)).to_be_visible()
    found["new lesson"] = blocking_violations(page)

    page.locator("#id_title").fill("Le marketing de contenu")
    page.locator("#id_summary").fill("Attirer les clients par des contenus utiles.")
    page.get_by_label("Objectifs d’apprentissage").fill("Définir le Pull\nDonner un exemple")
    page.get_by_role("textbox", name="La lecture").fill(READING)
    page.get_by_label("Publiée (visible par les étudiants)").check()
    page.get_by_label("Visible à partir du").fill(tomorrow.isoformat())

    # The live preview: the server's rendering of what is typed, French typography included.
    preview = page.get_by_test_id("reading-preview")
    expect(preview.get_by_role("heading", name="Attirer plutôt que pousser")).to_be_visible()
    expect(preview.get_by_role("listitem")).to_have_count(3)
    expect(preview.get_by_role("link", name="l’article d’origine")).to_have_attribute("href", "https://example.org/pull")
    found["new lesson with preview"] = blocking_violations(page)

    page.get_by_role("button", name="Créer la leçon").click()
    expect(page.get_by_text("Leçon créée.")).to_be_visible()
    expect(page.get_by_test_id("student-visibility")).to_contain_text("Visible par les étudiants à partir du")
    found["lesson page in the studio"] = blocking_violations(page)
    lesson = Lesson.objects.get(course=course, title="Le marketing de contenu")
    lesson_url = f"{live_server.url}/courses/{course.slug}/lessons/{lesson.slug}/"

    log_in(page, live_server, student)
    assert page.goto(lesson_url).status == 404
    page.goto(f"{live_server.url}/courses/{course.slug}/")
    expect(page.get_by_text("Le marketing de contenu")).to_have_count(0)

    with time_machine.travel(lesson.release_at + dt.timedelta(hours=9), tick=True):
        assert page.goto(lesson_url).status == 200
        reading = page.get_by_test_id("lesson-text")
        expect(reading.get_by_role("heading", name="Attirer plutôt que pousser")).to_be_visible()
        expect(reading.get_by_role("listitem")).to_have_count(3)
        expect(reading.get_by_role("link", name="l’article d’origine")).to_be_visible()
        found["lesson page for the student"] = blocking_violations(page)

    assert found == {name: [] for name in found}
