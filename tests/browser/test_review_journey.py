"""etudiant2 misses a question, finds it on the review page the next day, answers it and sees it move out."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from coursesite.content_import import course_content_import
from quizzes.services import attempts_followups_sweep
from review.models import Card
from tests.conftest import SEEDS_DIR
from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MISSED = "Ce message exploite le principe de persuasion que l’auteur ajoute"


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_a_missed_question_comes_back_the_next_day_and_moves_out_once_answered(live_server, page):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    lesson = course.lessons.get(slug="ressorts-persuasion-reseaux-sociaux")
    EnrollmentFactory(course=course, user__username="etudiant2")
    page.set_default_timeout(30_000)
    log_in(page, live_server, "etudiant2")

    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.slug}/")
    page.get_by_role("link", name="Faire le test").click()
    page.get_by_role("button", name="Commencer le test").click()
    page.locator("fieldset").filter(has_text=MISSED).get_by_role("textbox").fill("autorité")
    page.get_by_role("button", name="Terminer la tentative…").click()
    page.get_by_role("button", name="Remettre pour correction").click()
    expect(page.get_by_test_id("attempt-score")).to_be_visible()
    # The submit's follow-ups (the review cards) are a worker's: here the sweep that beat runs every minute.
    assert attempts_followups_sweep() == 1

    review_url = f"{live_server.url}/courses/{course.slug}/review/"
    page.goto(review_url)
    expect(page.get_by_test_id("review-done")).to_contain_text("Rien à réviser pour l’instant")

    with time_machine.travel(timezone.now() + datetime.timedelta(days=1, minutes=5), tick=True):
        page.goto(review_url)
        # The quiz's questions come back in its order; the ones left blank before it are skipped here.
        for _ in range(5):
            if page.locator("fieldset").filter(has_text=MISSED).count():
                break
            page.get_by_role("button", name="Vérifier ma réponse").click()
            page.get_by_role("link", name="Question suivante").click()
        question = page.locator("fieldset").filter(has_text=MISSED)
        expect(question).to_be_visible()
        question.get_by_role("textbox").fill("rareté")
        page.get_by_role("button", name="Vérifier ma réponse").click()

        feedback = page.get_by_test_id("review-feedback")
        expect(feedback).to_contain_text("Exact")
        expect(feedback.get_by_role("link", name="Relire le passage")).to_have_attribute("href", f"/courses/{course.slug}/lessons/{lesson.slug}/")
        expect(page.get_by_test_id("next-review")).to_contain_text("dans ")
        card = Card.objects.get(user__username="etudiant2", question_key="Le principe manquant")
        assert card.due - timezone.now() > datetime.timedelta(days=1)
