"""An instructor in chromium: gradebook, a grade override with its audit line, the CSV, hiding a post."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrollment
from coursesite.content_import import course_content_import
from discussions.models import Thread
from discussions.services import post_create
from tests.conftest import SEEDS_DIR
from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_instructor_overrides_a_grade_downloads_the_csv_and_hides_a_post(live_server, page):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    student = EnrollmentFactory(course=course).user
    student.first_name, student.last_name = "Éloïse", "Côté"
    student.save()
    thread = Thread.objects.filter(lesson__course=course, prompt__isnull=False).first()
    post_create(thread=thread, author=student, body="Un message déplacé")

    log_in(page, live_server, teacher)
    page.goto(f"{live_server.url}/courses/{course.slug}/")
    page.get_by_role("link", name="Carnet de notes").first.click()
    expect(page.get_by_role("link", name="Côté, Éloïse")).to_be_visible()

    with page.expect_download() as download_info:
        page.get_by_test_id("csv-export").click()
    content = open(download_info.value.path(), "rb").read()
    assert content.startswith(b"\xef\xbb\xbf")
    assert "Éloïse" in content.decode("utf-8-sig") and student.email in content.decode("utf-8-sig")

    page.get_by_role("link", name="Côté, Éloïse").click()
    page.get_by_label("Élément").select_option(index=0)
    page.get_by_label("Note (%)").fill("95")
    page.get_by_label("Raison").last.fill("Travail remis par courriel pendant la panne")
    page.get_by_role("button", name="Enregistrer la modification").click()
    expect(page.get_by_text("Modification enregistrée.")).to_be_visible()
    audit = page.locator("section", has=page.get_by_role("heading", name="Journal des modifications"))
    expect(audit).to_contain_text("95")
    expect(audit).to_contain_text("Travail remis par courriel pendant la panne")

    page.goto(f"{live_server.url}/courses/{course.slug}/discussion/{thread.pk}/")
    message = page.locator("article", has_text="Un message déplacé")
    message.get_by_placeholder("Raison").fill("Hors sujet")
    message.get_by_role("button", name="Masquer").click()
    expect(page.locator("article", has_text="Un message déplacé").get_by_text("Masqué : Hors sujet")).to_be_visible()

    log_in(page, live_server, student)
    page.goto(f"{live_server.url}/courses/{course.slug}/discussion/{thread.pk}/")
    expect(page.get_by_text("Un message déplacé")).to_have_count(0)
    page.goto(f"{live_server.url}/courses/{course.slug}/gradebook/")
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
