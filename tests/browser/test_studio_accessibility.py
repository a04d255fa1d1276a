"""axe-core on every studio page, in the states an instructor meets (errors, previews, consequences)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Enrollment
from quizzes.services import attempt_start
from tests.browser.test_accessibility import blocking_violations, log_in
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.studio.conftest import STUDIO_GIFT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_studio_pages_have_no_serious_or_critical_violation(live_server, page):
    lesson = LessonFactory(slug="push-pull", title="Push et Pull", position=1)
    course = lesson.course
    LessonFactory(course=course, slug="reseaux", position=2, is_published=False)
    quiz = quiz_from_gift(lesson, STUDIO_GIFT)
    prof = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    student = EnrollmentFactory(course=course).user
    assistant = EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user
    attempt_start(quiz=quiz, user=student)
    question = quiz.questions.order_by("position").first()
    base = f"{live_server.url}/courses/{course.slug}/studio/"
    pages = {
        "studio": "", "quiz": "quizzes/push-pull/", "quiz settings": "quizzes/push-pull/settings/",
        "question": f"quizzes/push-pull/questions/{question.pk}/", "lessons": "lessons/", "lesson": "lessons/push-pull/",
        "people": "people/", "scheme": "scheme/", "copy": "copy/",
    }
    page.set_default_timeout(20_000)
    found = {}
    log_in(page, live_server, prof)
    for name, path in pages.items():
        page.goto(base + path)
        found[name] = blocking_violations(page)

    page.goto(base + "quizzes/push-pull/")
    page.get_by_label("Texte GIFT").fill(STUDIO_GIFT + "\n::Cassée:: Poids ? {=a ~%35%b}\n")
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.get_by_test_id("gift-errors")).to_be_visible()
    found["quiz with errors"] = blocking_violations(page)
    page.get_by_label("Texte GIFT").fill(STUDIO_GIFT)
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.get_by_test_id("question-preview").first).to_be_visible()
    found["quiz preview"] = blocking_violations(page)

    page.goto(base + pages["question"])
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.get_by_test_id("question-preview")).to_be_visible()
    found["question preview"] = blocking_violations(page)

    page.goto(base + pages["quiz settings"])
    page.get_by_label("Limite de temps (minutes)").fill("20")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_test_id("consequences")).to_be_visible()
    found["settings consequences"] = blocking_violations(page)

    page.goto(base + pages["scheme"])
    page.get_by_role("button", name="Prévisualiser les totaux").click()
    expect(page.get_by_test_id("scheme-preview")).to_be_visible()
    found["scheme preview"] = blocking_violations(page)

    page.goto(base + pages["copy"])
    page.get_by_label("Adresse de la copie").fill("copie-a11y")
    page.get_by_label("Début de la nouvelle session").fill((timezone.localdate() - dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Copier le cours").click()
    expect(page.get_by_text("Cette date est passée")).to_be_visible()
    found["copy with an error"] = blocking_violations(page)

    log_in(page, live_server, assistant)
    for name in ("studio", "quiz", "people", "scheme"):
        page.goto(base + pages[name])
        found[f"{name} (TA)"] = blocking_violations(page)

    assert {name: problems for name, problems in found.items() if problems} == {}
