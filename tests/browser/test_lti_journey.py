"""An LMS launches the quiz in its iframe; the student takes it; the grade arrives in the LMS gradebook."""

import time
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from coursesite.content_import import course_content_import
from courses.models import Enrollment
from lti.models import LtiUserLink
from lti.services import platform_register
from tests.conftest import SEEDS_DIR
from tests.factories import EnrollmentFactory
from tests.lti.platform import TestPlatform

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LESSON = "ressorts-persuasion-reseaux-sociaux"


@pytest.fixture
def lms(settings):
    settings.LTI_ALLOW_PRIVATE_ADDRESSES = True  # the test LMS listens on 127.0.0.1
    # Same site as the live server (localhost): over plain HTTP, the only way a browser keeps the
    # state cookie inside the frame. In production (HTTPS) that cookie is SameSite=None; Secure.
    platform = TestPlatform(host="localhost").start()
    yield platform
    platform.stop()


@pytest.fixture
def other_site_lms(settings):
    settings.LTI_ALLOW_PRIVATE_ADDRESSES = True
    platform = TestPlatform(host="127.0.0.1").start()
    yield platform
    platform.stop()


def _seeded_course_registered_with(lms):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    platform_register(course=course, actor=teacher, deployment_ids=lms.deployment_id, **lms.registration)
    return course


def test_lms_launch_then_quiz_attempt_then_score_received_by_the_lms(live_server, page, lms, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the send runs right after the submit's commit, in the server
    course = _seeded_course_registered_with(lms)
    lms.next_launch = {"sub": "moodle-user-77", "custom": {"lesson": LESSON, "target": "quiz"}}

    tool_login = lms.login_url(f"{live_server.url}/lti/login/")
    page.goto(f"{lms.issuer}/course?tool={quote(tool_login, safe='')}")

    tool = page.frame_locator("iframe[title='Activité externe']")
    tool.get_by_role("button", name="Commencer le test").click(timeout=30_000)
    expect(tool.locator("#quiz-form[data-autosave-ready]")).to_have_count(1, timeout=30_000)
    question = tool.locator("fieldset").filter(has_text="Ce message exploite le principe de persuasion que l’auteur ajoute")
    question.get_by_role("textbox").fill("rarete")
    expect(tool.get_by_role("status")).to_contain_text("Enregistré à", timeout=30_000)
    tool.get_by_role("button", name="Terminer la tentative…").click()
    tool.get_by_role("button", name="Remettre pour correction").click()
    expect(tool.get_by_test_id("attempt-score")).to_contain_text("Résultat : 1 /", timeout=30_000)

    deadline = time.monotonic() + 30
    while not lms.scores and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    [score] = lms.scores
    assert score["userId"] == "moodle-user-77"
    assert score["gradingProgress"] == "FullyGraded" and score["scoreGiven"] > 0
    student = LtiUserLink.objects.get(sub="moodle-user-77").user
    assert Enrollment.objects.get(user=student, course=course).role == Enrollment.Role.STUDENT


def test_a_frame_whose_cookies_are_blocked_explains_what_to_do_and_signs_no_one_in(live_server, page, other_site_lms):
    _seeded_course_registered_with(other_site_lms)
    tool_login = other_site_lms.login_url(f"{live_server.url}/lti/login/")
    page.goto(f"{other_site_lms.issuer}/course?tool={quote(tool_login, safe='')}")

    tool = page.frame_locator("iframe[title='Activité externe']")
    expect(tool.get_by_role("heading", name="Votre navigateur bloque les témoins de ce site dans le cadre de la plateforme")).to_be_visible(timeout=30_000)
    expect(tool.get_by_text("Ouvrez l’activité dans une nouvelle fenêtre")).to_be_visible()
    assert not LtiUserLink.objects.exists()


def test_lti_pages_have_no_serious_or_critical_accessibility_violation(live_server, page, lms):
    from tests.browser.test_accessibility import blocking_violations, log_in

    course = _seeded_course_registered_with(lms)
    teacher = Enrollment.objects.get(course=course, role=Enrollment.Role.INSTRUCTOR).user
    page.goto(f"{live_server.url}/lti/login/?iss=https://unknown.example.org&login_hint=x")
    expect(page.get_by_role("heading", name="Cette plateforme n’est pas enregistrée sur le site du cours")).to_be_visible()
    found = {"refused": blocking_violations(page)}
    log_in(page, live_server, teacher)
    page.goto(f"{live_server.url}/lti/courses/{course.slug}/")
    expect(page.get_by_role("heading", name="Intégration à une plateforme (LTI 1.3)")).to_be_visible()
    found["registration"] = blocking_violations(page)
    assert found == {"refused": [], "registration": []}


def test_instructor_adds_a_quiz_from_the_lms_by_deep_linking(live_server, page, lms):
    import jwt

    _seeded_course_registered_with(lms)
    lms.next_launch = {"sub": "teacher-9", "deep_link": True,
                       "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]}
    page.goto(f"{lms.issuer}/course?tool={quote(lms.login_url(f'{live_server.url}/lti/login/'), safe='')}")

    tool = page.frame_locator("iframe[title='Activité externe']")
    tool.get_by_role("button", name="Ajouter le test de « Un nouveau métier").click(timeout=30_000)

    expect(tool.get_by_text("Contenu ajouté")).to_be_visible(timeout=30_000)  # auto-posted back to the LMS
    [token] = lms.deep_link_responses
    [item] = jwt.decode(token, options={"verify_signature": False})[
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"lesson": LESSON, "target": "quiz"}
    assert item["lineItem"]["scoreMaximum"] == 100
