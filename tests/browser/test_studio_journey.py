"""The instructor runs the course from the studio in chromium; a student and a TA are refused every write."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Course, Enrollment
from gradebook.models import GradingScheme
from quizzes.models import Attempt, Question, Quiz
from quizzes.selectors import attempt_items
from quizzes.services import attempt_start, attempt_submit
from tests.factories import PASSWORD, EnrollmentFactory, LessonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BROKEN = """::Push:: Que fait une stratégie Push ? {
  =Elle pousse le produit vers le client. #Oui.
  ~Elle attire le client vers le produit. #Non.
  ~%35%Elle attend. #Presque.
}

::Réseau:: L’effet de réseau croît avec les utilisateurs. {T}
"""
FIXED = BROKEN.replace("~%35%Elle attend.", "~%50%Elle attend.")
EDITED = "::Push:: Selon le texte, que fait une stratégie Push ? {=Elle va vers le client. ~Elle attend le client.}"


def log_in(page, live_server, user):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Mes cours")).to_be_visible()


def post_as_browser(page, live_server, path, form):
    """A write sent with the session and its CSRF token, as a hand-made form would."""
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(f"{live_server.url}{path}", form={"csrfmiddlewaretoken": token, **form},
                             headers={"X-CSRFToken": token}, max_redirects=0)


def test_instructor_authors_the_quiz_dates_weights_people_and_copies_the_course(live_server, page):
    lesson = LessonFactory(slug="push-pull", title="Push et Pull", position=1)
    course = lesson.course
    course.starts_on = timezone.localdate()
    course.save()
    prof = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR, user=UserFactory(username="prof")).user
    student = EnrollmentFactory(course=course).user
    assistant = EnrollmentFactory(course=course, role=Enrollment.Role.TEACHING_ASSISTANT).user
    page.set_default_timeout(20_000)

    log_in(page, live_server, prof)
    page.goto(f"{live_server.url}/courses/{course.slug}/")
    page.get_by_role("link", name="Studio").click()
    page.get_by_role("link", name="Test de «\u00a0Push et Pull\u00a0»").click()

    # A file with an error: its line, and nothing saved.
    page.locator("#id_gift_file").set_input_files(files=[{"name": "quiz.gift", "mimeType": "text/plain", "buffer": BROKEN.encode()}])
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.get_by_test_id("gift-errors")).to_contain_text("Ligne 4")
    assert not Question.objects.filter(quiz__lesson=lesson).exists()

    # Fixed in place, previewed, imported.
    page.get_by_label("Texte GIFT").fill(FIXED)
    page.get_by_role("button", name="Aperçu", exact=True).click()
    expect(page.get_by_test_id("question-preview")).to_have_count(2)
    page.get_by_role("button", name="Importer ces questions").click()
    expect(page.get_by_text("Test importé")).to_be_visible()
    expect(page.get_by_test_id("question-list").get_by_role("listitem")).to_have_count(2)

    # A student answers; the instructor then edits that question: a new version, the attempt keeps the old.
    quiz = Quiz.objects.get(lesson=lesson)
    push = Question.objects.get(quiz=quiz, title="Push")
    attempt = attempt_start(quiz=quiz, user=student)
    attempt_submit(attempt_id=attempt.pk, answers={str(push.pk): push.data["answers"][0]["id"]})
    page.reload()
    page.get_by_role("link", name="Modifier Push").click()
    page.get_by_role("link", name="Modifier en GIFT").click()  # the form is the default view; GIFT is the other
    expect(page.get_by_text("saving creates a new version").or_(page.get_by_text("crée une nouvelle version"))).to_be_visible()
    page.get_by_label("La question en GIFT").fill(EDITED)
    # The preview follows the typing, without a click.
    expect(page.get_by_test_id("question-preview")).to_contain_text("Elle va vers le client.", timeout=30_000)
    page.get_by_label("La question en GIFT").fill("::Push:: Que fait une stratégie Push ? {=Elle va vers le client. ~%35%Elle attend.}")
    expect(page.get_by_test_id("question-errors")).to_contain_text("%35%", timeout=30_000)
    page.get_by_label("La question en GIFT").fill(EDITED)
    expect(page.get_by_test_id("question-preview")).to_contain_text("Elle va vers le client.", timeout=30_000)
    page.get_by_role("button", name="Enregistrer la question").click()
    expect(page.get_by_text("Question enregistrée comme nouvelle version")).to_be_visible()
    assert Question.objects.get(quiz=quiz, title="Push", is_active=True).version == 2
    kept = attempt_items(attempt=Attempt.objects.get(pk=attempt.pk))[0].question
    assert kept.pk == push.pk and kept.text == "Que fait une stratégie Push ?"

    # A due date, with what it means for the class before saving.
    page.get_by_role("link", name="Paramètres du test").click()
    due = timezone.localtime() + dt.timedelta(days=10)
    page.get_by_label("Date limite").fill(due.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.get_by_test_id("consequences")).to_contain_text("pas encore remis ce test")
    page.get_by_role("button", name="Confirmer et enregistrer").click()
    expect(page.get_by_text("Paramètres du test enregistrés.")).to_be_visible()
    assert timezone.localtime(Quiz.objects.get(pk=quiz.pk).due_at).strftime("%Y-%m-%d %H:%M") == due.strftime("%Y-%m-%d %H:%M")

    # The weights, previewed then saved.
    page.get_by_role("link", name="Mode de calcul").click()
    page.get_by_label("Tests (%)").fill("60")
    page.get_by_label("Participation aux discussions (%)").fill("30")
    page.get_by_role("button", name="Prévisualiser les totaux").click()
    expect(page.get_by_test_id("scheme-preview")).to_be_visible()
    page.get_by_role("button", name="Enregistrer le barème").click()
    expect(page.get_by_text("Mode de calcul enregistré.")).to_be_visible()
    assert GradingScheme.objects.get(course=course).quiz_weight == 60

    # Two students from a CSV.
    page.get_by_role("link", name="Personnes").click()
    csv = "courriel,prénom,nom,groupe\nana@example.org,Ana,Roy,A\nluc@example.org,Luc,Gagnon,B\n"
    page.locator("#id_csv-csv_file").set_input_files(files=[{"name": "classe.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_label("Créer des comptes").check()
    page.get_by_role("button", name="Inscrire", exact=True).click()
    expect(page.get_by_text("2 personnes inscrites")).to_be_visible()
    expect(page.get_by_test_id("people-table")).to_contain_text("ana@example.org")

    # The copy for next term.
    page.get_by_role("link", name="Copier pour une nouvelle session").click()
    page.get_by_label("Adresse de la copie").fill("marketing-prochaine-session")
    page.get_by_label("Titre de la copie").fill("Marketing numérique (prochaine session)")
    page.get_by_label("Début de la nouvelle session").fill((timezone.localdate() + dt.timedelta(days=120)).isoformat())
    page.get_by_role("button", name="Copier le cours").click()
    expect(page.get_by_text("Cours copié.")).to_be_visible()
    copy = Course.objects.get(slug="marketing-prochaine-session")
    assert list(copy.enrollments.values_list("role", flat=True)) == ["instructor"]
    assert Question.objects.filter(quiz__lesson__course=copy, is_active=True).count() == 2

    # A TA reads but cannot write; a student cannot even read.
    question_action = f"/courses/{course.slug}/studio/quizzes/push-pull/questions/{push.pk}/action/"
    log_in(page, live_server, assistant)
    page.goto(f"{live_server.url}/courses/{course.slug}/studio/quizzes/push-pull/")
    expect(page.get_by_text("Lecture seule")).to_be_visible()
    expect(page.get_by_role("button", name="Importer ces questions")).to_have_count(0)
    for path, form in ((question_action, {"action": "hide"}), (f"/courses/{course.slug}/studio/scheme/", {"quiz_weight": "100", "save": "1"}),
                       (f"/courses/{course.slug}/studio/copy/", {"new_slug": "x", "title": "x", "starts_on": "2099-01-01"})):
        assert post_as_browser(page, live_server, path, form).status == 403
    log_in(page, live_server, student)
    page.goto(f"{live_server.url}/courses/{course.slug}/studio/")
    expect(page.get_by_role("heading", name="Accès refusé")).to_be_visible()
    assert post_as_browser(page, live_server, question_action, {"action": "hide"}).status == 403
    assert not Question.objects.filter(is_hidden=True).exists()
