"""An instructor who writes no GIFT builds questions by form in chromium, edits an answered one (the attempt keeps
its version), imports GIFT in « Ajouter » mode, sees what « Remplacer » would retire, deletes with confirmation and
restores from the « Corbeille »; axe finds no serious or critical violation on the new pages."""

import pytest
from playwright.sync_api import expect

from courses.models import Enrollment
from quizzes.models import Attempt, Question
from quizzes.selectors import attempt_items
from quizzes.services import attempt_start, attempt_submit
from tests.browser.test_accessibility import blocking_violations
from tests.browser.test_studio_journey import log_in
from tests.factories import EnrollmentFactory, LessonFactory, UserFactory, quiz_from_gift
from tests.studio.conftest import STUDIO_GIFT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def add_question(page, kind):
    page.get_by_label("Type de la nouvelle question").select_option(label=kind)
    page.get_by_role("button", name="Ajouter une question").click()
    expect(page.get_by_role("heading", name="Ajouter une question")).to_be_visible()


def titles(quiz):
    return list(Question.objects.filter(quiz=quiz, is_active=True).order_by("position").values_list("title", flat=True))


def test_instructor_authors_questions_without_gift_and_restores_from_the_trash(live_server, page):
    lesson = LessonFactory(slug="push-pull", title="Push et Pull", position=1)
    course = lesson.course
    quiz = quiz_from_gift(lesson, STUDIO_GIFT)
    prof = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR, user=UserFactory(username="prof")).user
    student = EnrollmentFactory(course=course).user
    quiz_url = f"{live_server.url}/courses/{course.slug}/studio/quizzes/push-pull/"
    page.set_default_timeout(20_000)
    found = {}

    log_in(page, live_server, prof)
    page.goto(quiz_url)

    # A multiple-answer question with weights; the live preview follows the typing.
    add_question(page, "Réponses multiples")
    found["add: multiple answers"] = blocking_violations(page)
    page.get_by_label("Titre").fill("Médias gagnés")
    page.get_by_label("Texte de la question").fill("Lesquels sont des médias gagnés ?")
    for n, (text, weight) in enumerate([("Bouche-à-oreille", "50"), ("Revue de presse", "50"), ("Bannière", "-100")], start=1):
        page.get_by_label(f"Réponse {n}", exact=True).fill(text)
        page.get_by_label(f"Poids % ({n})").fill(weight)
    expect(page.get_by_test_id("question-preview")).to_contain_text("Revue de presse", timeout=30_000)
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_text("Question «\u00a0Médias gagnés\u00a0» ajoutée")).to_be_visible()

    # A matching question; a missing match is shown, and what was typed stays.
    add_question(page, "Appariement")
    page.get_by_label("Titre").fill("Associer")
    page.get_by_label("Texte de la question").fill("Associez chaque média à son sens.")
    for n, (stem, match) in enumerate([("Paid", "Acheté"), ("Earned", ""), ("Owned", "Possédé")], start=1):
        page.get_by_label(f"Élément {n}", exact=True).fill(stem)
        page.get_by_label(f"Son correspondant ({n})").fill(match)
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_text("Donnez son correspondant à cet élément.").first).to_be_visible()
    found["add: matching with an error"] = blocking_violations(page)
    expect(page.get_by_label("Élément 2", exact=True)).to_have_value("Earned")
    page.get_by_label("Son correspondant (2)").fill("Mérité")
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_text("Question «\u00a0Associer\u00a0» ajoutée")).to_be_visible()

    # A numerical question: a value with its tolerance (decimal comma) and a range for half the points.
    add_question(page, "Numérique")
    page.get_by_label("Titre").fill("Taux")
    page.get_by_label("Texte de la question").fill("Quel taux de clics (en %) ?")
    page.get_by_label("Valeur (1)").fill("2,5")
    page.get_by_label("± tolérance (1)").fill("0,1")
    page.get_by_label("ou de (2)").fill("2")
    page.get_by_label("à (2)").fill("3")
    page.get_by_label("Poids % (2)").fill("50")
    page.get_by_role("button", name="Ajouter la question").click()
    expect(page.get_by_text("Question «\u00a0Taux\u00a0» ajoutée")).to_be_visible()
    assert titles(quiz) == ["Push", "Réseau", "Médias", "Médias gagnés", "Associer", "Taux"]
    taux = Question.objects.get(quiz=quiz, title="Taux", is_active=True).data["answers"]
    assert (taux[0]["value"], taux[0]["tolerance"], taux[1]["min"], taux[1]["max"], taux[1]["fraction"]) == (2.5, 0.1, 2, 3, 0.5)

    # A student answers; the instructor edits that question by form: a new version, the attempt keeps the old.
    push = Question.objects.get(quiz=quiz, title="Push")
    attempt = attempt_start(quiz=quiz, user=student)
    attempt_submit(attempt_id=attempt.pk, answers={str(push.pk): push.data["answers"][0]["id"]})
    page.goto(quiz_url)
    page.get_by_role("link", name="Modifier Push").click()
    expect(page.get_by_text("crée une nouvelle version")).to_be_visible()
    found["edit by form"] = blocking_violations(page)
    page.get_by_label("Texte de la question").fill("Selon le texte, que fait une stratégie Push ?")
    page.get_by_role("button", name="Enregistrer la question").click()
    expect(page.get_by_text("Question enregistrée comme nouvelle version")).to_be_visible()
    assert Question.objects.get(quiz=quiz, title="Push", is_active=True).version == 2
    kept = attempt_items(attempt=Attempt.objects.get(pk=attempt.pk))[0].question
    assert kept.pk == push.pk and kept.text == "Que fait une stratégie Push ?"

    # GIFT in « Ajouter » mode: a line-numbered box, an error's line to click, then an import that removes nothing.
    page.goto(quiz_url)
    expect(page.locator(".gift-editor-gutter")).to_contain_text("1")
    box = page.get_by_label("Texte GIFT")
    box.fill("::Pull:: Que fait une stratégie Pull ? {\n  =Elle attire le client.\n  ~%35%Elle pousse.\n}\n")
    page.get_by_label("Ajouter\u00a0: les questions du fichier").check()
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.get_by_test_id("gift-errors")).to_contain_text("n’est pas une des notes de Moodle")
    page.get_by_role("link", name="Ligne 3").click()
    expect(page.get_by_label("Texte GIFT")).to_be_focused()
    page.get_by_label("Texte GIFT").fill("::Pull:: Que fait une stratégie Pull ? {\n  =Elle attire le client.\n  ~Elle pousse.\n}\n")
    page.get_by_label("Ajouter\u00a0: les questions du fichier").check()
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.get_by_test_id("import-plan")).to_contain_text("Pull")
    page.get_by_role("button", name="Importer ces questions").click()
    expect(page.get_by_text("Test importé")).to_be_visible()
    assert titles(quiz)[-1] == "Pull" and len(titles(quiz)) == 7

    # « Remplacer »: the preview says what would be retired (answered) and deleted, and saves nothing.
    page.get_by_label("Texte GIFT").fill("::Pull:: Que fait une stratégie Pull ? {=Elle attire le client. ~Elle pousse.}\n")
    page.get_by_label("Remplacer\u00a0: le fichier devient le test entier").check()
    page.get_by_role("button", name="Aperçu", exact=True).click()
    # The attempt showed the first six (answered: retired); « Push »'s new version nobody answered (deleted).
    expect(page.get_by_test_id("plan-retired")).to_contain_text("Réseau, Médias, Médias gagnés, Associer, Taux")
    expect(page.get_by_test_id("plan-deleted")).to_contain_text("Push")
    found["import plan"] = blocking_violations(page)
    assert len(titles(quiz)) == 7

    # « Supprimer » asks first (« Pull », which nobody answered); the « Corbeille » gives the question back.
    page.goto(quiz_url)
    page.get_by_role("link", name="Supprimer Pull").click()
    expect(page.get_by_text("Supprimer «\u00a0Pull\u00a0» du test\u00a0?")).to_be_visible()
    found["delete confirmation"] = blocking_violations(page)
    page.get_by_role("button", name="Oui, la supprimer").click()
    expect(page.get_by_text("Question supprimée\u00a0: la corbeille la garde 30 jours.")).to_be_visible()
    assert "Pull" not in titles(quiz)
    page.get_by_role("link", name="Corbeille").click()
    expect(page.get_by_test_id("trash-list")).to_contain_text("Pull")
    found["trash"] = blocking_violations(page)
    page.get_by_role("button", name="Restaurer Pull").click()
    expect(page.get_by_text("Question «\u00a0Pull\u00a0» restaurée à la fin du test.")).to_be_visible()
    assert titles(quiz)[-1] == "Pull"

    assert {name: problems for name, problems in found.items() if problems} == {}
