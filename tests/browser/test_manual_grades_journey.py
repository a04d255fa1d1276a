"""An instructor adds « Projet d'équipe » (20 %), types three grades by keyboard, imports a CSV refused for one
bad line and then the fixed one; the grid at 1366 px reaches its last column; a matching question and the
progress page fit a 390 px phone. axe on the new pages."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from courses.models import AuditEntry, Enrollment
from gradebook.models import ManualGrade
from tests.browser.test_accessibility import blocking_violations, log_in
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.gradebook.builders import course_with_lessons

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MATCHING = """
::Médias:: Associez chaque type de média à son exemple. {
  =Médias payants -> Une publicité commanditée sur LinkedIn ciblant les directeurs marketing
  =Médias gagnés -> Un article de presse qui cite l’entreprise sans qu’elle ait payé
  =Médias possédés -> Le blogue et l’infolettre que l’entreprise publie elle-même
  =Médias partagés -> Les publications des clients qui recommandent la marque à leur réseau
}
"""




def no_sideways_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_instructor_adds_a_team_project_types_grades_and_imports_a_csv(live_server, page, tmp_path):
    course, instructor, lessons = course_with_lessons(lessons=6, prompts=2)
    names = [("Côté", "Hélène", "hcote"), ("Arsenault", "Bruno", "barsenault"), ("Tremblay", "Zoé", "ztremblay")]
    students = [
        EnrollmentFactory(course=course, user__last_name=last, user__first_name=first, user__username=username).user
        for last, first, username in names
    ]
    matching_lesson = LessonFactory(course=course, position=7, title="Les quatre médias")
    quiz_from_gift(matching_lesson, MATCHING)
    page.set_viewport_size({"width": 1366, "height": 800})
    log_in(page, live_server, instructor)
    base = f"{live_server.url}/courses/{course.slug}"

    # « Projet d'équipe » at 20 %, taken from the quizzes.
    page.goto(f"{base}/gradebook/")
    page.get_by_test_id("manual-items-link").click()
    weights = page.get_by_test_id("weights-form")
    weights.get_by_label("Nouvelle catégorie").fill("Projet d’équipe")
    weights.get_by_label("Sa pondération (%)").fill("20")
    weights.get_by_role("button", name="Enregistrer les pondérations").click()
    expect(page.get_by_test_id("weights-errors")).to_contain_text("totaliser 100")
    page.get_by_test_id("weights-form").get_by_label("Tests (%)").fill("50")
    page.get_by_test_id("weights-form").get_by_role("button", name="Enregistrer les pondérations").click()
    expect(page.get_by_text("Catégories et pondérations enregistrées.")).to_be_visible()
    item_form = page.get_by_test_id("item-form")
    item_form.get_by_role("textbox", name="Titre").fill("Projet d’équipe")
    item_form.get_by_role("combobox", name="Catégorie").select_option(label="Projet d’équipe")
    item_form.get_by_label("Sur (points)").fill("20")
    item_form.get_by_role("button", name="Ajouter l’élément").click()
    expect(page.get_by_test_id("manual-items")).to_contain_text("Projet d’équipe")
    assert blocking_violations(page) == []

    # Three grades by keyboard: Enter saves and moves down; the last one is undone, then typed again.
    page.goto(f"{base}/gradebook/")
    first = page.get_by_label("Projet d’équipe, Bruno Arsenault (points)")
    first.click()
    page.keyboard.type("15")
    page.keyboard.press("Enter")
    expect(page.get_by_label("Projet d’équipe, Hélène Côté (points)")).to_be_focused()
    page.keyboard.type("12,5")
    page.keyboard.press("Enter")
    page.keyboard.type("19")
    page.keyboard.press("Enter")  # the last row: saved where it is (once, though the blur reports it too)
    expect(page.get_by_test_id("grade-status")).to_contain_text("Zoé Tremblay (points) = 19")
    page.get_by_test_id("grade-undo").click()
    expect(page.get_by_label("Projet d’équipe, Zoé Tremblay (points)")).to_have_value("")
    expect(page.get_by_test_id("grade-status")).to_contain_text("Zoé Tremblay (points) = —")
    page.get_by_label("Projet d’équipe, Zoé Tremblay (points)").fill("18")
    page.keyboard.press("Tab")  # Tab saves too, on its way to the next link
    expect(page.get_by_test_id("grade-status")).to_contain_text("= 18")
    points = {g.student.username: g.points for g in ManualGrade.objects.select_related("student")}
    assert points == {"barsenault": Decimal("15"), "hcote": Decimal("12.5"), "ztremblay": Decimal("18")}
    assert AuditEntry.objects.filter(action=AuditEntry.Action.MANUAL_ITEM_GRADE).count() == 5  # with the undo
    expect(page.locator(f"[data-total-of='{students[1].pk}']")).not_to_have_text("—")
    assert blocking_violations(page) == []

    # At 1366 px: a cue says more columns are on the right, and the last one (flags) can be scrolled into view
    # while the name column stays put.
    expect(page.get_by_test_id("scroll-cue")).to_be_visible()
    grid = page.locator("[data-gb-scroll]")
    last_header = page.get_by_role("columnheader", name="Signalements")
    box, frame = last_header.bounding_box(), grid.bounding_box()
    assert box["x"] + box["width"] > frame["x"] + frame["width"], (box, frame)  # hidden on the right at first
    grid.focus()
    last_header.scroll_into_view_if_needed()
    box, frame = last_header.bounding_box(), grid.bounding_box()
    assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
    name_cell = page.get_by_role("rowheader").first
    assert abs(name_cell.bounding_box()["x"] - frame["x"]) < 3  # sticky
    page.goto(f"{base}/gradebook/?compact=1")
    expect(page.get_by_test_id("compact-toggle")).to_have_text("Affichage aéré")

    # A CSV with one bad line: refused, nothing saved, the error names the line; then fixed and imported.
    bad = tmp_path / "notes.csv"
    bad.write_text("username;Projet d’équipe\nhcote;16,5\nbarsenault;25\nztremblay;17\n", encoding="utf-8")
    page.goto(f"{base}/gradebook/items/")
    page.get_by_label("Fichier CSV").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_test_id("import-errors")).to_contain_text("Ligne 3")
    expect(page.get_by_test_id("import-errors")).to_contain_text("maximum")
    assert ManualGrade.objects.get(student=students[0]).points == Decimal("12.5")
    good = tmp_path / "notes-corrigees.csv"
    good.write_text("username;Projet d’équipe\nhcote;16,5\nbarsenault;20\nztremblay;17\n", encoding="utf-8")
    page.get_by_label("Fichier CSV").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_test_id("import-preview")).to_contain_text("16,5")
    assert blocking_violations(page) == []
    page.get_by_test_id("import-confirm").click()
    expect(page.get_by_text("3 notes importées.")).to_be_visible()
    points = {g.student.username: g.points for g in ManualGrade.objects.select_related("student")}
    assert points == {"barsenault": Decimal("20"), "hcote": Decimal("16.5"), "ztremblay": Decimal("17")}

    # A phone: the matching question's answers are readable and selectable; the progress page fits.
    log_in(page, live_server, students[0])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{base}/lessons/{matching_lesson.slug}/quiz/")
    page.get_by_role("button", name="Commencer le test").click()
    choice = page.get_by_label("Médias gagnés")
    assert choice.bounding_box()["width"] > 300
    choice.select_option(label="Un article de presse qui cite l’entreprise sans qu’elle ait payé")
    expect(choice).to_have_value("Un article de presse qui cite l’entreprise sans qu’elle ait payé")
    assert no_sideways_overflow(page)
    page.goto(f"{base}/progress/")
    expect(page.get_by_test_id("manual-grades")).to_contain_text("16,5 / 20")
    assert no_sideways_overflow(page)
    assert blocking_violations(page) == []
