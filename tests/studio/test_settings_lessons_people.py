"""Quiz settings with their consequences, lessons and prompts, people."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from courses.models import Enrollment
from discussions.models import Post, Thread
from discussions.services import post_create
from lessons.models import DiscussionPrompt
from quizzes.models import Attempt, Quiz
from quizzes.services import attempt_start, attempt_submit
from courses.models import AuditEntry
from tests.factories import EnrollmentFactory, UserFactory
from tests.studio.conftest import url

SETTINGS = "quizzes/push-pull/settings/"


def settings_data(**changes):
    data = {"opens_at": "", "due_at": "", "time_limit_minutes": "", "max_attempts": "2", "grading_method": "highest",
            "shuffle_questions": "", "shuffle_choices": "on", "review_policy": "after_submit", "late_policy": "accept"}
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def in_days(days):
    return (timezone.localtime() + dt.timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_a_change_that_affects_started_attempts_says_so_before_saving(studio, prof):
    attempt_start(quiz=studio["quiz"], user=studio["student"])
    response = prof.post(url(studio, SETTINGS), settings_data(time_limit_minutes="20"))
    assert "1 tentative déjà commencée gardera sa durée limite" in response.content.decode()
    assert Quiz.objects.get(pk=studio["quiz"].pk).time_limit_minutes is None

    prof.post(url(studio, SETTINGS), {**settings_data(time_limit_minutes="20"), "confirm": "1"})
    assert Quiz.objects.get(pk=studio["quiz"].pk).time_limit_minutes == 20
    line = AuditEntry.objects.get(action="quiz_settings")
    assert line.changes == {"time_limit_minutes": [None, 20]} and line.actor == studio["instructor"]


def test_a_due_date_in_the_past_is_refused_and_the_form_keeps_what_was_typed(studio, prof):
    typed = in_days(-3)
    page = prof.post(url(studio, SETTINGS), settings_data(due_at=typed, max_attempts="5")).content.decode()
    assert "Cette date est passée" in page and typed in page and 'value="5"' in page
    assert Quiz.objects.get(pk=studio["quiz"].pk).due_at is None


def test_saving_the_same_settings_twice_logs_one_change(studio, prof):
    data = {**settings_data(due_at=in_days(10)), "confirm": "1"}
    prof.post(url(studio, SETTINGS), data)
    prof.post(url(studio, SETTINGS), data)
    assert AuditEntry.objects.filter(action="quiz_settings").count() == 1


def test_lowering_attempts_names_the_students_who_used_them(studio, prof):
    attempt = attempt_start(quiz=studio["quiz"], user=studio["student"])
    attempt_submit(attempt_id=attempt.pk)
    page = prof.post(url(studio, SETTINGS), settings_data(max_attempts="1")).content.decode()
    assert "1 étudiant a déjà utilisé 1 tentatives ou plus" in page


def test_lesson_summary_objectives_and_due_date_are_edited(studio, prof):
    due = in_days(14)
    prof.post(url(studio, "lessons/push-pull/"), {
        "title": "Push et Pull", "summary": "Un nouveau résumé.", "objectives": "Définir le Push\n\nComparer\n", "is_published": "on",
        "due_at": due,
    })
    lesson = studio["lesson"]
    lesson.refresh_from_db()
    assert lesson.summary == "Un nouveau résumé." and lesson.objectives == ["Définir le Push", "Comparer"]
    assert timezone.localtime(Quiz.objects.get(lesson=lesson).due_at).strftime("%Y-%m-%dT%H:%M") == due
    assert {line.action for line in AuditEntry.objects.all()} == {"lesson_edit", "quiz_settings"}


def test_a_lesson_edit_refused_for_its_due_date_saves_nothing(studio, prof):
    """One save is one transaction: the quiz refusing the due date leaves the lesson's fields as they were."""
    Quiz.objects.filter(lesson=studio["lesson"]).update(opens_at=timezone.now() + dt.timedelta(days=20))
    response = prof.post(url(studio, "lessons/push-pull/"), {
        "title": "Push et Pull", "summary": "Un résumé qui ne doit pas rester.", "objectives": "Définir le Push",
        "is_published": "on", "due_at": in_days(14),
    })

    assert response.status_code == 200 and "doit suivre la date d’ouverture" in response.content.decode()
    lesson = studio["lesson"]
    lesson.refresh_from_db()
    assert lesson.summary != "Un résumé qui ne doit pas rester."
    assert not AuditEntry.objects.exists()


def test_an_unpublished_lesson_disappears_for_students_only(studio, prof):
    prof.post(url(studio, "lessons/push-pull/action/"), {"action": "unpublish"})
    student = Client()
    student.force_login(studio["student"])
    base = f"/courses/{studio['course'].slug}/"
    assert student.get(base + "lessons/push-pull/").status_code == 404
    assert student.get(base + "lessons/push-pull/quiz/").status_code == 404
    assert student.get(base + "lessons/push-pull/discussion/").status_code == 404
    assert "Push et Pull" not in student.get(base).content.decode()
    assert prof.get(base + "lessons/push-pull/").status_code == 200
    prof.post(url(studio, "lessons/push-pull/action/"), {"action": "publish"})
    assert student.get(base + "lessons/push-pull/").status_code == 200


def test_lessons_change_order(studio, prof):
    prof.post(url(studio, "lessons/reseaux/action/"), {"action": "up"})
    order = list(studio["course"].lessons.order_by("position").values_list("slug", flat=True))
    assert order == ["reseaux", "push-pull"]


def test_prompts_are_added_reworded_and_retired_without_losing_answers(studio, prof):
    lesson = studio["lesson"]
    prof.post(url(studio, "lessons/push-pull/prompts/"), {"new-title": "Votre expérience", "new-body": "Racontez un exemple de Pull."})
    prompt = DiscussionPrompt.objects.get(lesson=lesson)
    thread = Thread.objects.get(prompt=prompt)
    post_create(thread=thread, author=studio["student"], body="Mon exemple")

    prof.post(url(studio, f"lessons/push-pull/prompts/{prompt.pk}/"),
              {"action": "save", f"p{prompt.pk}-title": "Votre expérience", f"p{prompt.pk}-body": "Racontez un exemple de Push."})
    thread.refresh_from_db()
    assert Post.objects.get(thread=thread, is_opening=True).body == "Racontez un exemple de Push."

    prof.post(url(studio, f"lessons/push-pull/prompts/{prompt.pk}/"), {"action": "retire"})
    prompt.refresh_from_db()
    assert not prompt.is_active
    assert Post.objects.filter(thread=thread, body="Mon exemple").exists()
    assert [l.action for l in AuditEntry.objects.order_by("pk")] == ["prompt_add", "prompt_edit", "prompt_edit"]


def csv_upload(text, encoding="utf-8"):
    return SimpleUploadedFile("classe.csv", text.encode(encoding), content_type="text/csv")


def test_a_csv_enrols_everyone_or_nobody_with_errors_by_line(studio, prof):
    bad = "courriel,prénom,nom\nana@example.org,Ana,Roy\npas-un-courriel,Luc,Gagnon\nana@example.org,Ana,Roy\n"
    page = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload(bad), "csv-role": "student"}).content.decode()
    assert "Line 3" in page or "Ligne 3" in page
    assert not Enrollment.objects.filter(user__email="ana@example.org").exists()

    page = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload("ana@example.org\nana@example.org\n"), "csv-role": "student"}).content.decode()
    assert "Ligne 2" in page and "figure déjà à la ligne 1" in page

    good = "ana@example.org,Ana,Roy,A\nluc@example.org,Luc,Gagnon,B\n"
    response = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload(good), "csv-role": "student", "csv-create_accounts": "on"}, follow=True)
    assert "2 personnes inscrites" in response.content.decode()
    assert set(Enrollment.objects.filter(course=studio["course"], group__in=["A", "B"]).values_list("user__email", flat=True)) == {
        "ana@example.org", "luc@example.org"}
    assert AuditEntry.objects.get(action="enrol_csv").changes["enrolled"] == 2


def test_a_csv_address_without_an_account_is_refused_with_its_line_unless_accounts_are_asked_for(studio, prof):
    UserFactory(email="Ana@Example.org")
    csv_text = "ana@example.org,Ana,Roy\nlcu@exmaple.org,Luc,Gagnon\n"  # a typo on line 2
    page = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload(csv_text), "csv-role": "student"}).content.decode()
    assert "Ligne 2" in page and "aucun compte" in page and "lcu@exmaple.org" in page
    assert not Enrollment.objects.filter(course=studio["course"], user__email__in=["Ana@Example.org", "lcu@exmaple.org"]).exists()
    assert not get_user_model().objects.filter(email="lcu@exmaple.org").exists()

    prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload(csv_text), "csv-role": "student", "csv-create_accounts": "on"})
    assert set(Enrollment.objects.filter(course=studio["course"], user__email__in=["Ana@Example.org", "lcu@exmaple.org"]).values_list("user__email", flat=True)) == {
        "Ana@Example.org", "lcu@exmaple.org"}


def test_enrolling_one_unknown_address_keeps_what_was_typed_and_says_why(studio, prof):
    page = prof.post(url(studio, "people/"), {"one-email": "nouvelle@example.org", "one-role": "student", "one-group": "C"}).content.decode()
    assert "Aucun compte n’a cette adresse" in page and 'value="nouvelle@example.org"' in page
    assert not get_user_model().objects.filter(email="nouvelle@example.org").exists()
    prof.post(url(studio, "people/"), {"one-email": "nouvelle@example.org", "one-role": "student", "one-group": "C", "one-create_accounts": "on"})
    assert Enrollment.objects.get(course=studio["course"], user__email="nouvelle@example.org").group == "C"


def test_a_csv_that_is_not_utf8_is_refused(studio, prof):
    page = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload("élodie@example.org,Élodie\n", "latin-1"), "csv-role": "student"}).content.decode()
    assert "n’est pas du texte UTF-8" in page


def test_enrol_one_change_role_and_group_remove_and_restore(studio, prof):
    person = UserFactory(email="zoe@example.org")
    prof.post(url(studio, "people/"), {"one-email": "zoe@example.org", "one-role": "student", "one-group": "A"})
    enrollment = Enrollment.objects.get(course=studio["course"], user=person)
    assert enrollment.group == "A"
    prof.post(url(studio, "people/"), {"one-email": "zoe@example.org", "one-role": "student"})  # again: nothing changes
    assert AuditEntry.objects.filter(action="enrol_csv").count() == 1

    prof.post(url(studio, f"people/{person.pk}/"), {"action": "save", "role": "ta", "group": "B"})
    enrollment.refresh_from_db()
    assert (enrollment.role, enrollment.group) == ("ta", "B")
    prof.post(url(studio, f"people/{person.pk}/"), {"action": "save", "role": "student", "group": "B"})

    attempt = attempt_start(quiz=studio["quiz"], user=person)
    prof.post(url(studio, f"people/{person.pk}/"), {"action": "remove"})
    assert not Enrollment.objects.filter(course=studio["course"], user=person).exists()
    assert Attempt.objects.filter(pk=attempt.pk).exists()
    page = prof.get(url(studio, "people/")).content.decode()
    assert "Retirés (leurs travaux sont conservés)" in page and "zoe@example.org" in page

    prof.post(url(studio, f"people/{person.pk}/"), {"action": "restore"})
    enrollment = Enrollment.objects.get(course=studio["course"], user=person)
    assert (enrollment.role, enrollment.group) == ("student", "B")


def test_an_instructor_cannot_remove_or_demote_themself(studio, prof):
    me = studio["instructor"]
    prof.post(url(studio, f"people/{me.pk}/"), {"action": "remove"})
    prof.post(url(studio, f"people/{me.pk}/"), {"action": "save", "role": "student", "group": ""})
    assert Enrollment.objects.get(course=studio["course"], user=me).role == "instructor"


def test_people_of_another_course_cannot_be_touched(studio, prof):
    stranger = EnrollmentFactory()
    response = prof.post(url(studio, f"people/{stranger.user_id}/"), {"action": "remove"})
    assert response.status_code == 404
    assert Enrollment.objects.filter(pk=stranger.pk).exists()
