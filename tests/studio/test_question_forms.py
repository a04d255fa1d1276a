"""Questions written by form (one per type), the form and GIFT as two views of one question, the import modes
in the studio, « Supprimer » with its confirmation and the « Corbeille »."""

import pytest

from courses.models import AuditEntry
from quizzes.gift import parse_gift
from quizzes.models import Attempt, Question
from quizzes.question_data import gift_from_question
from quizzes.selectors import attempt_items
from quizzes.services import attempt_start, attempt_submit
from studio.services import quiz_gift_text
from tests.studio.conftest import url

QUIZ = "quizzes/push-pull/"


def new(studio, kind):
    return url(studio, f"{QUIZ}questions/new/?type={kind}")


def active(quiz, title):
    return Question.objects.get(quiz=quiz, title=title, is_active=True)


def rows(*answers, parts=("text", "weight", "feedback")):
    data = {"rows": str(max(len(answers), 4))}
    for n, values in enumerate(answers):
        data.update({f"answer_{n}_{part}": value for part, value in zip(parts, values)})
    return data


MULTI = {
    "title": "Médias gagnés", "text": "Lesquels sont des médias gagnés ?", "text_format": "moodle",
    "general_feedback": "Gagné = mérité.", "save": "1",
    **rows(("Bouche-à-oreille", "50", "Oui."), ("Revue de presse", "50", ""), ("Bannière", "-100", "Non : payé.")),
}


def test_a_multiple_answer_question_with_weights_is_added_at_the_end_and_audited(studio, prof):
    response = prof.post(new(studio, "multichoice_multi"), MULTI, follow=True)
    assert "Question « Médias gagnés » ajoutée" in response.content.decode().replace("\xa0", " ")
    question = active(studio["quiz"], "Médias gagnés")
    assert question.type == "multichoice_multi" and question.position == 4 and question.version == 1
    assert [(a["text"], a["fraction"]) for a in question.data["answers"]] == [
        ("Bouche-à-oreille", 0.5), ("Revue de presse", 0.5), ("Bannière", -1.0)]
    assert question.general_feedback == "Gagné = mérité."
    line = AuditEntry.objects.get(action="question_add")
    assert (line.actor, line.target) == (studio["instructor"], "Médias gagnés")


def test_what_the_form_saves_the_gift_export_shows_and_reads_back_the_same(studio, prof):
    prof.post(new(studio, "multichoice_multi"), MULTI)
    prof.post(new(studio, "matching"), {
        "title": "Associer", "text": "Associez chaque média.", "text_format": "moodle", "rows": "4", "save": "1",
        "pair_0_stem": "Paid", "pair_0_answer": "Acheté", "pair_1_stem": "Earned", "pair_1_answer": "Mérité",
        "pair_2_stem": "Owned", "pair_2_answer": "Possédé", "pair_3_stem": "", "pair_3_answer": "Partagé",
    })
    prof.post(new(studio, "numerical"), {
        "title": "Taux", "text": "Quel taux (en %) ?", "text_format": "moodle", "save": "1",
        **rows(("2,5", "0,1", "", "", "100", "Exact."), ("", "", "2", "3", "50", "Presque."),
               parts=("value", "tolerance", "min", "max", "weight", "feedback")),
    })
    stored = {q.title: gift_from_question(q).to_json() for q in Question.objects.filter(quiz=studio["quiz"], is_active=True)}
    exported = {q.title: q.to_json() for q in parse_gift(quiz_gift_text(quiz=studio["quiz"])).questions}
    for title in ("Médias gagnés", "Associer", "Taux"):
        exported[title].pop("line"), stored[title].pop("line")
        assert exported[title] == stored[title], title
    taux = active(studio["quiz"], "Taux").data["answers"]
    assert taux[0]["value"] == 2.5 and taux[0]["tolerance"] == 0.1 and (taux[1]["min"], taux[1]["max"]) == (2, 3)
    assert active(studio["quiz"], "Associer").data["pairs"][-1] == ["", "Partagé"]


def test_the_form_shows_what_gift_wrote(studio, prof):
    question = active(studio["quiz"], "Push")
    page = prof.get(url(studio, f"{QUIZ}questions/{question.pk}/")).content.decode().replace("\xa0", " ")
    assert 'value="Elle pousse le produit vers le client."' in page and 'value="100"' in page
    assert 'value="Non, c’est le Pull."' in page
    assert "::Push::" in page  # the GIFT view of the same question, below the form
    gift_page = prof.get(url(studio, f"{QUIZ}questions/{question.pk}/?as=gift")).content.decode().replace("\xa0", " ")
    assert "Modifier avec le formulaire" in gift_page and "data-line-numbers" in gift_page


def test_bad_input_shows_what_is_wrong_keeps_what_was_typed_and_saves_nothing(studio, prof):
    data = {**MULTI, "answer_0_weight": "35"}
    page = prof.post(new(studio, "multichoice_multi"), data).content.decode().replace("\xa0", " ")
    assert "n’est pas une des notes de Moodle" in page
    assert 'value="Bouche-à-oreille"' in page and "Lesquels sont des médias gagnés ?" in page
    matching = prof.post(new(studio, "matching"), {"title": "M", "text": "Associez.", "text_format": "moodle", "rows": "4",
                                                    "pair_0_stem": "Paid", "save": "1"}).content.decode().replace("\xa0", " ")
    assert "Donnez son correspondant à cet élément." in matching and 'value="Paid"' in matching
    assert not Question.objects.filter(title__in=["Médias gagnés", "M"]).exists()
    assert not AuditEntry.objects.exists()


def test_a_title_already_in_the_quiz_is_refused(studio, prof):
    page = prof.post(new(studio, "truefalse"), {"title": "Push", "text": "Vrai ?", "text_format": "moodle",
                                                "correct": "true", "rows": "4", "save": "1"}).content.decode().replace("\xa0", " ")
    assert "déjà une question intitulée" in page
    assert Question.objects.filter(quiz=studio["quiz"], title="Push", is_active=True).count() == 1


def test_more_rows_adds_three_and_keeps_the_typed_rows(studio, prof):
    page = prof.post(new(studio, "shortanswer"), {"title": "C", "text": "Capitale ?", "text_format": "moodle", "rows": "4",
                                                  "answer_0_text": "Paris", "more_rows": "1"}).content.decode().replace("\xa0", " ")
    assert 'name="answer_6_text"' in page and 'value="Paris"' in page
    assert not Question.objects.filter(title="C").exists()


def test_the_live_preview_shows_true_false_and_general_feedback_and_saves_nothing(studio, prof):
    response = prof.post(new(studio, "truefalse"), {
        "title": "TF", "text": "La Terre est ronde.", "text_format": "moodle", "correct": "true", "rows": "4",
        "feedback_true": "Bravo.", "feedback_false": "Regardez une photo.", "general_feedback": "Depuis Ératosthène.",
    }, headers={"X-Requested-With": "fetch"})
    page = response.content.decode().replace("\xa0", " ")
    assert "Rétroaction si l’étudiant répond « Faux » :" in page and "Regardez une photo." in page
    assert "Depuis Ératosthène." in page and "<html" not in page
    assert not Question.objects.filter(title="TF").exists()


def test_editing_an_answered_question_by_form_makes_a_new_version_the_attempt_keeps_the_old(studio, prof):
    push = active(studio["quiz"], "Push")
    attempt = attempt_start(quiz=studio["quiz"], user=studio["student"])
    attempt_submit(attempt_id=attempt.pk, answers={str(push.pk): push.data["answers"][0]["id"]})
    edit = url(studio, f"{QUIZ}questions/{push.pk}/")
    page = prof.get(edit).content.decode().replace("\xa0", " ")
    assert "nouvelle version" in page

    prof.post(edit, {"text": "Que fait une stratégie Push, selon le texte ?", "text_format": "moodle", "rows": "4", "save": "1",
                     **rows(("Elle pousse le produit.", "100", ""), ("Elle attire le client.", "0", ""))})

    current = active(studio["quiz"], "Push")
    assert current.version == 2 and current.text == "Que fait une stratégie Push, selon le texte ?"
    shown = attempt_items(attempt=Attempt.objects.get(pk=attempt.pk))[0].question
    assert shown.pk == push.pk and shown.text == "Que fait une stratégie Push ?"
    assert AuditEntry.objects.get(action="question_edit").changes["new_version"] is True


def test_add_mode_imports_without_retiring_and_replace_mode_lists_what_it_retires(studio, prof):
    gift = "::Pull:: Que fait une stratégie Pull ? {=Elle attire. ~Elle pousse.}\n"
    page = prof.post(url(studio, QUIZ), {"gift_text": gift, "mode": "replace", "preview": "1"}).content.decode().replace("\xa0", " ")
    assert "Ce que l’importation va faire" in page and 'data-testid="plan-deleted"' in page
    assert "Push, Réseau, Médias" in page
    assert Question.objects.filter(quiz=studio["quiz"], is_active=True).count() == 3

    prof.post(url(studio, QUIZ), {"gift_text": gift, "mode": "add", "import": "1"})

    titles = list(Question.objects.filter(quiz=studio["quiz"], is_active=True).order_by("position").values_list("title", flat=True))
    assert titles == ["Push", "Réseau", "Médias", "Pull"]


def test_gift_errors_are_in_french_name_their_line_and_link_to_it(studio, prof):
    page = prof.post(url(studio, QUIZ), {"gift_text": "::A:: Un ? {=a ~b}\n\n::B:: Deux ? {\n  =a\n  ~%35%b\n}\n", "preview": "1"}).content.decode().replace("\xa0", " ")
    assert 'data-gift-line="5">Ligne 5</a>' in page
    assert "le poids de réponse « %35% » n’est pas une des notes de Moodle" in page


def test_delete_asks_first_then_the_trash_restores(studio, prof):
    reseau = active(studio["quiz"], "Réseau")
    confirm = url(studio, f"{QUIZ}questions/{reseau.pk}/delete/")
    page = prof.get(confirm).content.decode().replace("\xa0", " ")
    assert "Supprimer « Réseau » du test ?" in page and "Oui, la supprimer" in page
    assert Question.objects.get(pk=reseau.pk).is_active  # asking deleted nothing

    prof.post(confirm)

    assert not Question.objects.get(pk=reseau.pk).is_active
    trash = prof.get(url(studio, f"{QUIZ}trash/")).content.decode().replace("\xa0", " ")
    assert "Réseau" in trash and "effacée pour de bon le" in trash
    prof.post(url(studio, f"{QUIZ}trash/{reseau.pk}/restore/"))
    prof.post(url(studio, f"{QUIZ}trash/{reseau.pk}/restore/"))  # a double submit: 404, nothing more
    titles = list(Question.objects.filter(quiz=studio["quiz"], is_active=True).order_by("position").values_list("title", flat=True))
    assert titles == ["Push", "Médias", "Réseau"]
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == ["question_delete", "question_restore"]


@pytest.mark.parametrize("role", ["assistant", "student", "outsider"])
def test_only_instructors_add_delete_or_restore(studio, role):
    from django.test import Client

    client = Client()
    client.force_login(studio[role])
    reseau = active(studio["quiz"], "Réseau")
    expected = {"assistant": 403, "student": 403, "outsider": 404}[role]
    assert client.post(new(studio, "truefalse"), {"title": "X", "text": "Vrai ?", "correct": "true", "rows": "4",
                                                  "text_format": "moodle", "save": "1"}).status_code == expected
    assert client.post(url(studio, f"{QUIZ}questions/{reseau.pk}/delete/")).status_code == expected
    assert Question.objects.get(pk=reseau.pk).is_active and not Question.objects.filter(title="X").exists()


# Session and user, course access, the lesson, then each page's own reads: the question and whether it was
# answered (edit, delete), the quiz and its trash in one query (trash), for 3 or 12 questions in the trash.
@pytest.mark.parametrize("size", [3, 12])
def test_the_new_pages_have_a_constant_query_count(studio, prof, django_assert_num_queries, size):
    from quizzes.services import ImportMode, quiz_import_gift

    extra = "\n\n".join(f"::Q{n}:: Question {n} ? {{=oui ~non}}" for n in range(size))
    quiz_import_gift(lesson=studio["lesson"], text=extra, mode=ImportMode.ADD)
    for n in range(size):  # as many in the trash
        prof.post(url(studio, f"{QUIZ}questions/{active(studio['quiz'], f'Q{n}').pk}/delete/"))
    push = active(studio["quiz"], "Push")
    pages = {
        f"{QUIZ}questions/new/": 6,
        f"{QUIZ}questions/new/?type=matching": 6,
        f"{QUIZ}questions/{push.pk}/": 8,
        f"{QUIZ}questions/{push.pk}/delete/": 8,
        f"{QUIZ}trash/": 7,
    }
    for path, count in pages.items():
        with django_assert_num_queries(count):
            response = prof.get(url(studio, path))
        assert response.status_code == 200, path
