"""A student who let a quiz slip past its due date finds it first in « À faire », hands it in late; the
instructor grades the essay; the student sees the graded essay's notification with the score. axe on the
pages this journey changed (Mes cours, the course page, the lesson page, notifications, « Ce qui partira »)."""

import datetime

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Enrollment
from tests.browser.test_accessibility import blocking_violations, log_in
from tests.factories import CourseFactory, EnrollmentFactory, LessonFactory, quiz_from_gift

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSAY_GIFT = "::Essai:: Expliquez l’effet de réseau sur LinkedIn. {}"




def test_the_overdue_quiz_comes_first_and_the_graded_essay_is_announced_with_its_score(live_server, page):
    page.set_default_timeout(30_000)
    start = timezone.now()
    course = CourseFactory(slug="marketing-numerique-todo", title="Marketing numérique")
    late = LessonFactory(course=course, position=1, title="Les effets de réseau", slug="effets-de-reseau")
    soon = LessonFactory(course=course, position=2, title="Pousser ou tirer", slug="pousser-ou-tirer")
    quiz = quiz_from_gift(late, text=ESSAY_GIFT, due_at=start + datetime.timedelta(days=1), late_policy="accept")
    quiz.questions.update(points=4)
    quiz_from_gift(soon, text=ESSAY_GIFT, due_at=start + datetime.timedelta(days=5))
    student = EnrollmentFactory(course=course).user
    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    base = f"{live_server.url}/courses/{course.slug}"
    found = {}

    with time_machine.travel(start + datetime.timedelta(days=2), tick=True):  # a day past the first due date
        log_in(page, live_server, student)
        todo = page.get_by_test_id("todo-item")
        expect(todo.first).to_contain_text("Les effets de réseau")
        expect(todo.first).to_contain_text("en retard")
        expect(todo.nth(1)).to_contain_text("Pousser ou tirer")
        found["my courses"] = blocking_violations(page)

        page.get_by_role("link", name="Marketing numérique").click()
        expect(page.get_by_test_id("todo-item").first).to_contain_text("Les effets de réseau")
        found["course"] = blocking_violations(page)
        page.goto(f"{base}/lessons/effets-de-reseau/")
        expect(page.get_by_test_id("quiz-overdue")).to_have_text("en retard")
        found["lesson"] = blocking_violations(page)
        page.goto(f"{base}/")
        # The next step is the late quiz, not the next reading.
        page.get_by_test_id("next-step").click()
        page.get_by_role("button", name="Commencer le test").click()
        page.get_by_role("textbox").fill("Chaque nouveau membre rend le réseau plus utile aux autres.")
        page.get_by_role("button", name="Terminer la tentative…").click()
        page.get_by_role("button", name="Remettre pour correction").click()
        expect(page.get_by_test_id("attempt-score")).to_be_visible()
        page.goto(f"{base}/")
        expect(page.get_by_test_id("todo-item").first).to_contain_text("Pousser ou tirer")

        log_in(page, live_server, teacher)
        page.goto(f"{base}/grading/essays/")
        page.get_by_label("Note").fill("3.5")
        page.get_by_label("Commentaire pour l’étudiant·e").fill("Bon exemple.")
        page.get_by_role("button", name="Enregistrer la note").click()
        expect(page.get_by_text("Aucune composition n’attend de note.")).to_be_visible()
        page.goto(f"{base}/studio/upcoming/")
        expect(page.get_by_role("heading", name="Ce qui partira")).to_be_visible()
        found["upcoming"] = blocking_violations(page)

        log_in(page, live_server, student)
        expect(page.get_by_test_id("notification-badge")).to_contain_text("1")
        page.get_by_test_id("notifications-link").click()
        expect(page.get_by_text("Votre réponse dans « Les effets de réseau » est corrigée : 3,50 / 4")).to_be_visible()
        found["notifications"] = blocking_violations(page)

    assert found == {name: [] for name in found}
