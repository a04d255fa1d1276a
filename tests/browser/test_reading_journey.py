"""A student's first visit, in Debian's chromium against the live server."""

import re

import pytest
from playwright.sync_api import expect

from lessons.services import course_import
from tests.conftest import SEEDS_DIR
from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_logs_in_reads_a_lesson_and_sees_the_progress_bar_move(live_server, page):
    course = course_import(directory=SEEDS_DIR).course
    student = EnrollmentFactory(course=course).user

    page.goto(f"{live_server.url}/courses/{course.slug}/")
    expect(page.get_by_role("heading", name="Se connecter")).to_be_visible()
    page.get_by_label("Nom d’utilisateur").fill(student.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    bar = page.get_by_role("progressbar", name="Leçons lues")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    page.get_by_role("link", name=re.compile("^Lire « ")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Push")
    page.get_by_role("button", name="Marquer comme lue").click()
    expect(page.get_by_role("status")).to_contain_text("Leçon marquée comme lue")

    page.get_by_role("link", name=course.title).first.click()
    expect(page.get_by_role("progressbar", name="Leçons lues")).to_have_attribute("aria-valuenow", "20")
    expect(page.get_by_test_id("progress-summary")).to_contain_text("1 leçon lue sur 5")


def test_language_switch_turns_the_interface_to_english(live_server, page):
    course = course_import(directory=SEEDS_DIR).course
    student = EnrollmentFactory(course=course).user
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(student.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes cours")).to_be_visible()

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer").click()

    expect(page.get_by_role("heading", name="My courses")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
