"""Discussions in chromium: no stored payload runs, and the reply/badge/moderation journey works."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrollment
from coursesite.content_import import course_content_import
from discussions.models import Post, Thread
from discussions.rendering import render_markdown
from tests.conftest import SEEDS_DIR
from tests.discussions.xss_payloads import XSS_PAYLOADS
from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_no_stored_payload_runs_in_the_browser(live_server, page):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    author, reader = EnrollmentFactory(course=course).user, EnrollmentFactory(course=course).user
    thread = Thread.objects.filter(lesson__course=course, prompt__isnull=False).first()
    Post.objects.bulk_create(
        [Post(thread=thread, author=author, body=p, body_html=render_markdown(p)) for p in XSS_PAYLOADS]
    )
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, live_server, reader)

    page.goto(f"{live_server.url}/courses/{course.slug}/discussion/{thread.pk}/")
    expect(page.locator("article")).to_have_count(len(XSS_PAYLOADS) + 1)
    # Give event handlers (onload, onerror, autofocus) a chance to fire, and hover and click every message.
    for article in page.locator("article").all():
        article.hover()
    page.wait_for_timeout(500)

    assert page.evaluate("window.__xss") is None
    assert dialogs == []


def test_answer_reply_badge_and_moderation(live_server, page):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    first, second = EnrollmentFactory(course=course).user, EnrollmentFactory(course=course).user
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    lesson = course.lessons.order_by("position").first()
    thread = Thread.objects.filter(lesson=lesson, prompt__isnull=False).order_by("prompt__position").first()

    log_in(page, live_server, first)
    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.slug}/")
    page.get_by_role("link", name=thread.title).click()
    page.get_by_label("Votre message").fill("Le **pull** attire les clients.")
    page.get_by_role("button", name="Aperçu").click()
    expect(page.locator("#preview-heading + .post-body strong")).to_have_text("pull")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.get_by_text("Votre réponse est publiée.")).to_be_visible()

    log_in(page, live_server, second)
    page.goto(f"{live_server.url}/courses/{course.slug}/discussion/{thread.pk}/")
    page.locator("article", has_text="attire les clients").get_by_role("link", name="Répondre").click()
    page.get_by_label("Votre message").fill("Pas toujours : le push reste utile.")
    page.get_by_role("button", name="Envoyer la réponse").click()

    log_in(page, live_server, first)
    expect(page.get_by_test_id("notification-badge")).to_contain_text("1")

    log_in(page, live_server, teacher)
    page.goto(f"{live_server.url}/courses/{course.slug}/discussion/{thread.pk}/")
    reply = page.locator("article", has_text="le push reste utile")
    reply.get_by_role("button", name="Valider").click()
    expect(page.locator("article", has_text="le push reste utile").get_by_text("Réponse validée")).to_be_visible()
    answer = page.locator("article", has_text="attire les clients").first
    answer.get_by_placeholder("Raison").fill("Hors sujet")
    answer.get_by_role("button", name="Masquer").click()
    page.get_by_role("button", name="Verrouiller").click()
    expect(page.get_by_text("Ce fil est verrouillé")).to_be_visible()

    log_in(page, live_server, second)
    page.goto(f"{live_server.url}/courses/{course.slug}/discussion/{thread.pk}/")
    expect(page.get_by_text("Message masqué par l’équipe enseignante").first).to_be_visible()
    expect(page.get_by_label("Votre message")).to_have_count(0)
