"""axe-core (bundled by axe-playwright-python, no CDN) on every main page, and the quiz by keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from courses.models import Enrollment
from coursesite.content_import import course_content_import
from discussions.models import Thread
from discussions.services import post_create
from tests.conftest import SEEDS_DIR
from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BLOCKING = {"serious", "critical"}


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes cours")).to_be_visible()


def blocking_violations(page) -> list[str]:
    # Bootstrap stops its colour transitions for reduced motion: axe then reads each colour as it settles,
    # never halfway through a button's fade (a button shown a moment ago measured as low contrast).
    page.emulate_media(reduced_motion="reduce")
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING
    ]


def test_main_pages_have_no_serious_or_critical_violation(live_server, page):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    student = EnrollmentFactory(course=course).user
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    lesson = course.lessons.order_by("position").first()
    thread = Thread.objects.filter(lesson=lesson, prompt__isnull=False).first()
    post_create(thread=thread, author=student, body="Une **réponse** avec [un lien](https://example.org).")
    base = f"{live_server.url}/courses/{course.slug}"

    page.goto(f"{live_server.url}/accounts/login/")
    found = {"login": blocking_violations(page)}
    log_in(page, live_server, student)
    pages = {
        "my courses": f"{live_server.url}/courses/",
        "course": f"{base}/",
        "lesson": f"{base}/lessons/{lesson.slug}/",
        "progress": f"{base}/progress/",
        "quiz start": f"{base}/lessons/{lesson.slug}/quiz/",
        "discussion": f"{base}/lessons/{lesson.slug}/discussion/",
        "thread": f"{base}/discussion/{thread.pk}/",
        "notifications": f"{live_server.url}/notifications/",
        "preferences": f"{live_server.url}/reminders/preferences/",
    }
    for name, url in pages.items():
        page.goto(url)
        found[name] = blocking_violations(page)
    page.goto(pages["quiz start"])
    page.get_by_role("button", name="Commencer le test").click()
    found["quiz"] = blocking_violations(page)
    page.get_by_role("button", name="Terminer la tentative…").click()
    found["confirm"] = blocking_violations(page)
    page.get_by_role("button", name="Remettre pour correction").click()
    found["result"] = blocking_violations(page)

    log_in(page, live_server, teacher)
    for name, url in {
        "essays": f"{base}/grading/essays/",
        "thread (staff)": f"{base}/discussion/{thread.pk}/",
        "gradebook": f"{base}/gradebook/",
        "gradebook student": f"{base}/gradebook/students/{student.pk}/",
        "quiz statistics": f"{base}/gradebook/quizzes/{lesson.slug}/",
        "grading scheme": f"{base}/gradebook/settings/",
    }.items():
        page.goto(url)
        found[name] = blocking_violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}


def test_quiz_can_be_taken_with_the_keyboard_alone(live_server, page):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    student = EnrollmentFactory(course=course).user
    lesson = course.lessons.get(slug="ressorts-persuasion-reseaux-sociaux")
    log_in(page, live_server, student)
    page.goto(f"{live_server.url}/courses/{course.slug}/lessons/{lesson.slug}/quiz/")

    start = page.get_by_role("button", name="Commencer le test")
    start.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Terminer la tentative…")).to_be_visible()
    expect(page.locator("#quiz-form[data-autosave-ready]")).to_have_count(1)

    # Tab to the short-answer box about the missing principle and type the answer.
    target = page.locator("fieldset", has_text="Ce message exploite le principe de persuasion que l’auteur ajoute").get_by_role("textbox")
    for _ in range(200):
        page.keyboard.press("Tab")
        if target.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the answer box is not reachable with Tab")
    page.keyboard.type("rareté")
    # On to the finish button, by keyboard.
    finish = page.get_by_role("button", name="Terminer la tentative…")
    for _ in range(300):
        page.keyboard.press("Tab")
        if finish.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the finish button is not reachable with Tab")
    page.keyboard.press("Enter")
    submit = page.get_by_role("button", name="Remettre pour correction")
    expect(submit).to_be_visible()
    submit.focus()
    page.keyboard.press("Enter")

    expect(page.get_by_test_id("attempt-score")).to_contain_text("Résultat : 1 /")
