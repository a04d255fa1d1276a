"""Authoring a quiz in the studio: GIFT preview and import, download, one question's edit, order, hide, delete."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from quizzes.gift import parse_gift
from quizzes.models import Attempt, Question
from quizzes.selectors import attempt_items
from quizzes.services import attempt_start, attempt_submit
from courses.models import AuditEntry
from tests.studio.conftest import STUDIO_GIFT, url

QUIZ = "quizzes/push-pull/"
NEW_GIFT = """::Pull:: Que fait une stratégie Pull ? {
  =Elle attire le client. #Oui.
  ~Elle pousse le produit. #Non.
}

::Marque:: Une marque forte attire les clients. {TRUE}
"""
BROKEN_GIFT = NEW_GIFT + "\n::Cassée:: Quel est le poids ? {\n  =bon\n  ~%35%moyen\n}\n"


def titles(quiz):
    return list(Question.objects.filter(quiz=quiz, is_active=True).order_by("position").values_list("title", flat=True))


def test_an_upload_with_an_error_shows_its_line_keeps_the_text_and_saves_nothing(studio, prof):
    upload = SimpleUploadedFile("quiz.gift", BROKEN_GIFT.encode("utf-8"))
    response = prof.post(url(studio, QUIZ), {"gift_file": upload, "import": "1"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ligne 10" in page and "%35%" in page
    assert "rien n’a été enregistré" in page
    assert "::Cassée::" in page  # what was uploaded is in the text box, to correct in place
    assert titles(studio["quiz"]) == ["Push", "Réseau", "Médias"]
    assert not AuditEntry.objects.exists()


def test_a_preview_shows_each_question_its_type_and_key_before_anything_is_saved(studio, prof):
    response = prof.post(url(studio, QUIZ), {"gift_text": NEW_GIFT, "preview": "1"})
    page = response.content.decode()
    assert "Aperçu" in page and "2 questions" in page
    assert "Que fait une stratégie Pull" in page and "Choix unique" in page and "Vrai ou faux" in page
    assert "Corrigé" in page and "Elle attire le client.</li>" not in page  # the key shows with its weight
    assert "Elle attire le client." in page and ": 100 %" in page
    assert "Importer ces questions" in page
    assert titles(studio["quiz"]) == ["Push", "Réseau", "Médias"]


def test_importing_the_corrected_text_replaces_the_questions_and_writes_an_audit_line(studio, prof):
    response = prof.post(url(studio, QUIZ), {"gift_text": NEW_GIFT, "import": "1"}, follow=True)
    assert "Test importé" in response.content.decode()
    assert titles(studio["quiz"]) == ["Pull", "Marque"]
    line = AuditEntry.objects.get()
    assert (line.actor, line.action, line.changes["created"]) == (studio["instructor"], "quiz_import", 2)


def test_importing_the_same_text_twice_changes_nothing_the_second_time(studio, prof):
    prof.post(url(studio, QUIZ), {"gift_text": NEW_GIFT, "import": "1"})
    ids = set(Question.objects.values_list("pk", flat=True))
    prof.post(url(studio, QUIZ), {"gift_text": NEW_GIFT, "import": "1"})
    assert set(Question.objects.values_list("pk", flat=True)) == ids
    assert AuditEntry.objects.count() == 1


def test_non_utf8_and_oversized_files_are_refused_with_a_clear_message(studio, prof):
    latin = SimpleUploadedFile("quiz.gift", "::Q:: Qu’est-ce qu’un marché ? {T}".encode("latin-1", "replace").replace(b"?", b"\xe9"))
    page = prof.post(url(studio, QUIZ), {"gift_file": latin, "preview": "1"}).content.decode()
    assert "n’est pas du texte UTF-8" in page
    big = SimpleUploadedFile("quiz.gift", b"::Q:: Vrai ? {T}\n\n" * 40_000)
    page = prof.post(url(studio, QUIZ), {"gift_file": big, "preview": "1"}).content.decode()
    assert "trop volumineux" in page
    assert titles(studio["quiz"]) == ["Push", "Réseau", "Médias"]


def test_the_quiz_downloads_as_gift_that_reads_back_to_the_same_questions(studio, prof):
    response = prof.get(url(studio, QUIZ + "export.gift"))
    assert response["Content-Disposition"] == 'attachment; filename="push-pull.gift"'
    parsed = parse_gift(response.content.decode("utf-8"))
    assert parsed.errors == []
    assert [q.title for q in parsed.questions] == ["Push", "Réseau", "Médias"]


def answered_attempt(studio):
    attempt = attempt_start(quiz=studio["quiz"], user=studio["student"])
    push = Question.objects.get(quiz=studio["quiz"], title="Push")
    return attempt_submit(attempt_id=attempt.pk, answers={str(push.pk): push.data["answers"][0]["id"]})


def test_editing_an_answered_question_makes_a_new_version_and_the_attempt_keeps_the_old(studio, prof):
    attempt = answered_attempt(studio)
    question = Question.objects.get(quiz=studio["quiz"], title="Push")
    edit = url(studio, f"{QUIZ}questions/{question.pk}/")
    page = prof.get(edit).content.decode()
    assert "::Push::" in page and "nouvelle version" in page
    new_text = "::Push:: Que fait une stratégie Push, selon le texte ? {=Elle va vers le client. ~Elle attend le client.}"
    preview = prof.post(edit, {"gift_text": new_text, "preview": "1"}).content.decode()
    assert "selon le texte" in preview and "Elle va vers le client." in preview
    assert Question.objects.get(pk=question.pk).is_active

    prof.post(edit, {"gift_text": new_text, "save": "1"})

    current = Question.objects.get(quiz=studio["quiz"], title="Push", is_active=True)
    assert current.version == 2 and "selon le texte" in current.text
    assert titles(studio["quiz"]) == ["Push", "Réseau", "Médias"]
    shown = attempt_items(attempt=Attempt.objects.get(pk=attempt.pk))[0].question
    assert shown.pk == question.pk and shown.text == "Que fait une stratégie Push ?"
    assert AuditEntry.objects.get(action="question_edit").changes["new_version"] is True


def test_an_unanswered_question_is_edited_in_place(studio, prof):
    question = Question.objects.get(quiz=studio["quiz"], title="Réseau")
    prof.post(url(studio, f"{QUIZ}questions/{question.pk}/"), {"gift_text": "::Réseau:: L’effet de réseau diminue. {F}", "save": "1"})
    question.refresh_from_db()
    assert (question.is_active, question.version, question.data["correct"]) == (True, 1, False)


def test_an_edit_with_an_error_or_another_title_is_refused_and_kept(studio, prof):
    question = Question.objects.get(quiz=studio["quiz"], title="Réseau")
    edit = url(studio, f"{QUIZ}questions/{question.pk}/")
    page = prof.post(edit, {"gift_text": "::Réseau:: Vrai ? {=a ~%33%b}", "save": "1"}).content.decode()
    assert "Ligne 1" in page and "{=a ~%33%b}" in page
    page = prof.post(edit, {"gift_text": "::Autre:: Vrai ? {T}", "save": "1"}).content.decode()
    assert "Gardez le titre" in page
    question.refresh_from_db()
    assert question.data["correct"] is True and not AuditEntry.objects.exists()


def test_questions_move_hide_and_delete(studio, prof):
    quiz = studio["quiz"]
    medias = Question.objects.get(quiz=quiz, title="Médias")
    action = url(studio, f"{QUIZ}questions/{medias.pk}/action/")
    prof.post(action, {"action": "up"})
    assert titles(quiz) == ["Push", "Médias", "Réseau"]

    prof.post(action, {"action": "hide"})
    prof.post(action, {"action": "hide"})  # a second click changes nothing
    assert AuditEntry.objects.filter(action="question_hide").count() == 1
    attempt = attempt_start(quiz=quiz, user=studio["student"])
    assert medias.pk not in attempt.layout["questions"] and len(attempt.layout["questions"]) == 2

    reseau = Question.objects.get(quiz=quiz, title="Réseau")
    prof.post(url(studio, f"{QUIZ}questions/{reseau.pk}/action/"), {"action": "delete"})
    assert titles(quiz) == ["Push", "Médias"]


def test_an_answered_question_cannot_be_deleted(studio, prof):
    answered_attempt(studio)
    push = Question.objects.get(quiz=studio["quiz"], title="Push")
    response = prof.post(url(studio, f"{QUIZ}questions/{push.pk}/action/"), {"action": "delete"}, follow=True)
    assert "masquez-la plutôt" in response.content.decode()
    assert Question.objects.filter(pk=push.pk).exists()


def test_the_instructor_previews_the_quiz_as_a_student(studio, prof):
    page = prof.get(url(studio, QUIZ)).content.decode()
    assert f'action="/courses/{studio["course"].slug}/lessons/push-pull/quiz/"' in page
    response = prof.post(f"/courses/{studio['course'].slug}/lessons/push-pull/quiz/", {"preview": "1"})
    assert response.status_code == 302
    assert Attempt.objects.get(user=studio["instructor"]).is_preview


def test_the_live_preview_answers_with_the_preview_alone_and_saves_nothing(studio, prof):
    question = Question.objects.get(quiz=studio["quiz"], title="Réseau")
    edit = url(studio, f"{QUIZ}questions/{question.pk}/")
    fragment = prof.post(edit, {"gift_text": "::Réseau:: L’effet diminue. {F}", "save": "1"}, HTTP_X_REQUESTED_WITH="fetch")
    html = fragment.content.decode()
    assert "L’effet diminue." in html and "<html" not in html
    question.refresh_from_db()
    assert question.data["correct"] is True
    broken = prof.post(edit, {"gift_text": "::Réseau:: Vrai ? {=a ~%35%b}"}, HTTP_X_REQUESTED_WITH="fetch").content.decode()
    assert "Ligne 1" in broken and "%35%" in broken


def test_a_text_without_any_question_is_not_imported(studio, prof):
    page = prof.post(url(studio, QUIZ), {"gift_text": "// seulement un commentaire\n", "import": "1"}).content.decode()
    assert "ne contient aucune question" in page
    assert titles(studio["quiz"]) == ["Push", "Réseau", "Médias"]


def test_a_repeated_move_does_nothing_the_second_time(studio, prof):
    medias = Question.objects.get(quiz=studio["quiz"], title="Médias")
    action = url(studio, f"{QUIZ}questions/{medias.pk}/action/")
    prof.post(action, {"action": "up", "at": "2"})
    prof.post(action, {"action": "up", "at": "2"})  # a double click: the page showed it third
    assert titles(studio["quiz"]) == ["Push", "Médias", "Réseau"]
    assert AuditEntry.objects.filter(action="question_move").count() == 1


RARETE = "::Rareté:: Quel principe manque ? {=la rareté #Oui. =%0%* #Non.}"


def test_an_instructor_makes_accents_and_the_article_count_for_one_short_answer(studio, prof):
    """GIFT cannot say it, so the edit page has two boxes for a short answer (issue 22); other types have none."""
    prof.post(url(studio, QUIZ), {"gift_text": STUDIO_GIFT + "\n" + RARETE, "import": "1"})
    question = Question.objects.get(quiz=studio["quiz"], title="Rareté", is_active=True)
    edit = url(studio, f"{QUIZ}questions/{question.pk}/")
    page = prof.get(edit).content.decode()
    assert 'name="accents_count"' in page and 'name="article_counts"' in page
    push = Question.objects.get(quiz=studio["quiz"], title="Push")
    assert 'name="accents_count"' not in prof.get(url(studio, f"{QUIZ}questions/{push.pk}/")).content.decode()

    prof.post(edit, {"gift_text": RARETE, "accents_count": "on", "article_counts": "on", "save": "1"})

    question.refresh_from_db()
    assert question.data["options"] == {"accent_insensitive": False, "articles_optional": False}
    assert question.version == 1  # the same question, graded differently from now on
    assert AuditEntry.objects.get(action="question_edit").changes["options"]["accent_insensitive"] is False
    attempt = attempt_start(quiz=studio["quiz"], user=studio["student"])
    submitted = attempt_submit(attempt_id=attempt.pk, answers={str(question.pk): "la rarete"})
    assert submitted.score == 0
    # Ticked boxes show ticked again, and a re-import of the quiz keeps them.
    boxes = re.findall(r'<input[^>]*name="(?:accents_count|article_counts)"[^>]*>', prof.get(edit).content.decode())
    assert len(boxes) == 2 and all("checked" in box for box in boxes)
    prof.post(url(studio, QUIZ), {"gift_text": STUDIO_GIFT + "\n" + RARETE, "import": "1"})
    assert Question.objects.get(pk=question.pk).data["options"]["accent_insensitive"] is False
