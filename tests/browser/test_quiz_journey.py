"""A student takes a real quiz in chromium: answers, reloads, submits and reads the feedback."""

import pytest
from playwright.sync_api import expect

from coursesite.content_import import course_content_import
from quizzes.models import Attempt
from tests.conftest import SEEDS_DIR
from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_student_reloads_midway_without_losing_answers_then_reads_the_feedback(live_server, page):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    lesson = course.lessons.get(slug="ressorts-persuasion-reseaux-sociaux")
    student = EnrollmentFactory(course=course).user
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(student.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()

    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.slug}/")
    page.get_by_role("link", name="Faire le test").click()
    page.get_by_role("button", name="Commencer le test").click()
    expect(page.locator("#quiz-form[data-autosave-ready]")).to_have_count(1)

    question = page.locator("fieldset").filter(has_text="Ce message exploite le principe de persuasion que l’auteur ajoute")
    question.get_by_role("textbox").fill("rarete")
    expect(page.get_by_role("status")).to_contain_text("Enregistré à")
    page.reload()
    expect(question.get_by_role("textbox")).to_have_value("rarete")

    page.get_by_role("button", name="Terminer la tentative…").click()
    expect(page.get_by_role("heading", name="Remettre la tentative ?")).to_be_visible()
    page.get_by_role("button", name="Remettre pour correction").click()

    expect(page.get_by_test_id("attempt-score")).to_contain_text("Résultat : 1 /")
    expect(page.get_by_text("Explication :").first).to_be_visible()
    assert Attempt.objects.get(user=student).score == 1
