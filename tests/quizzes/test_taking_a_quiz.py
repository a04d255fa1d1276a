import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from courses.models import AuditEntry
from quizzes.models import Attempt, Response
from quizzes.services import attempt_start, attempts_expire_overdue
from tests.factories import EnrollmentFactory, LessonFactory, answers_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db

ALL_RIGHT = {
    "Capitale": "Québec",
    "Couleurs": ["Rouge", "Bleu"],
    "Vrai": "true",
    "Rareté": "RARETE",
    "Paires": {"Paid": "Acheté", "Earned": "Mérité", "Owned": "Possédé"},
    "Pi": "3,14",
    "Essai": "Chaque nouvel utilisateur augmente la valeur du réseau.",
}


@pytest.fixture
def lesson():
    return LessonFactory()


@pytest.fixture
def quiz(lesson):
    return quiz_from_gift(lesson)


@pytest.fixture
def learner(lesson):
    return EnrollmentFactory(course=lesson.course).user


@pytest.fixture
def teacher(lesson):
    return EnrollmentFactory(course=lesson.course, role=Enrollment.Role.INSTRUCTOR).user


def urls(lesson, attempt=None):
    course = lesson.course.slug
    result = {"start": reverse("courses:quizzes:start", kwargs={"course": course, "lesson": lesson.slug})}
    if attempt:
        for name in ("take", "autosave", "confirm", "result"):
            result[name] = reverse(f"courses:quizzes:{name}", kwargs={"course": course, "attempt": attempt.pk})
    return result


def start(client, lesson, user) -> Attempt:
    client.force_login(user)
    response = client.post(urls(lesson)["start"])
    assert response.status_code == 302
    return Attempt.objects.get(user=user, status="in_progress")


def test_lesson_page_leads_to_its_quiz(client, lesson, quiz, learner):
    client.force_login(learner)
    page = client.get(reverse("courses:lessons:detail", kwargs={"course": lesson.course.slug, "lesson": lesson.slug}))
    assert urls(lesson)["start"] in page.content.decode()


def test_start_page_states_the_rules(client, lesson, quiz, learner):
    quiz.due_at = timezone.now() + datetime.timedelta(days=3)
    quiz.time_limit_minutes = 20
    quiz.save()
    client.force_login(learner)

    page = client.get(urls(lesson)["start"]).content.decode()

    assert "7 questions" in page
    assert "2 tentatives permises" in page and "il en reste 2" in page
    assert "Limite de temps : 20 minutes" in page
    assert "Échéance" in page


def test_answers_saved_midway_are_there_after_a_reload(client, lesson, quiz, learner):
    attempt = start(client, lesson, learner)
    u = urls(lesson, attempt)

    response = client.post(u["autosave"], answers_by_title(attempt, Capitale="Montréal", Pi="3,1"))
    assert response.status_code == 200 and response.json()["saved"]

    page = client.get(u["take"]).content.decode()
    montreal = next(a for a in attempt.quiz.questions.get(title="Capitale").data["answers"] if a["text"] == "Montréal")
    assert f'value="{montreal["id"]}" checked' in page
    assert 'value="3,1"' in page
    # Saving again replaces the answer rather than adding a second one.
    client.post(u["autosave"], answers_by_title(attempt, Capitale="Québec"))
    assert Response.objects.filter(attempt=attempt, question__title="Capitale").count() == 1


def test_submitting_grades_every_type_and_leaves_the_essay_to_grade(client, lesson, quiz, learner):
    attempt = start(client, lesson, learner)
    u = urls(lesson, attempt)
    client.post(u["take"], {**answers_by_title(attempt, **ALL_RIGHT), "finish": "1"})

    confirm = client.get(u["confirm"])
    assert "Chaque question a une réponse" in confirm.content.decode()
    client.post(u["confirm"])

    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.needs_grading
    # Six automatically graded questions all right; the essay waits; the description gives no points.
    assert attempt.score == Decimal("6") and attempt.max_score == Decimal("7")
    page = client.get(u["result"]).content.decode()
    assert "à corriger" in page


def test_partial_credit_follows_moodle(client, lesson, quiz, learner):
    attempt = start(client, lesson, learner)
    answers = answers_by_title(
        attempt,
        Capitale="Gatineau",
        Couleurs=["Rouge", "Vert"],  # 50 % - 100 % → 0, never negative
        Rareté="manque",  # 50 %
        Paires={"Paid": "Acheté", "Earned": "Possédé", "Owned": "Mérité"},  # 1 of 3 pairs
        Pi="3.2",
    )
    client.post(urls(lesson, attempt)["take"], answers)
    client.post(urls(lesson, attempt)["confirm"])

    scores = dict(Response.objects.filter(attempt=attempt).values_list("question__title", "score"))
    assert scores["Capitale"] == 0 and scores["Couleurs"] == 0 and scores["Pi"] == 0
    assert scores["Rareté"] == Decimal("0.5")
    assert scores["Paires"] == Decimal("0.333")


def test_double_submit_grades_once(client, lesson, quiz, learner):
    attempt = start(client, lesson, learner)
    u = urls(lesson, attempt)
    client.post(u["take"], answers_by_title(attempt, Capitale="Québec"))

    first = client.post(u["confirm"])
    second = client.post(u["confirm"])

    assert first.status_code == second.status_code == 302
    attempt.refresh_from_db()
    assert attempt.score == Decimal("1")
    assert Attempt.objects.filter(user=learner).count() == 1
    assert Response.objects.filter(attempt=attempt, question__title="Capitale").count() == 1


def test_attempts_are_limited_and_previews_do_not_count(client, lesson, quiz, learner, teacher):
    quiz.max_attempts = 1
    quiz.save()
    attempt = start(client, lesson, learner)
    client.post(urls(lesson, attempt)["confirm"])

    client.post(urls(lesson)["start"])

    assert Attempt.objects.filter(user=learner).count() == 1
    assert "Vous avez utilisé toutes vos tentatives" in client.get(urls(lesson)["start"]).content.decode()

    client.force_login(teacher)
    client.post(urls(lesson)["start"], {"preview": "1"})
    client.post(urls(lesson)["start"], {"preview": "1"})
    preview = Attempt.objects.get(user=teacher)
    assert preview.is_preview


def test_student_cannot_start_a_preview(client, lesson, quiz, learner):
    client.force_login(learner)
    client.post(urls(lesson)["start"], {"preview": "1"})
    assert not Attempt.objects.get(user=learner).is_preview


def test_late_work_is_refused_or_marked_late_by_policy(client, lesson, quiz, learner):
    quiz.due_at = timezone.now() - datetime.timedelta(hours=1)
    quiz.late_policy = "refuse"
    quiz.save()
    client.force_login(learner)
    client.post(urls(lesson)["start"])
    assert not Attempt.objects.filter(user=learner).exists()

    quiz.late_policy = "accept"
    quiz.save()
    attempt = start(client, lesson, learner)
    client.post(urls(lesson, attempt)["confirm"])
    attempt.refresh_from_db()
    assert attempt.is_late


def test_time_limit_submits_what_was_saved_even_with_the_browser_closed(client, lesson, quiz, learner):
    quiz.time_limit_minutes = 10
    quiz.save()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        attempt = start(client, lesson, learner)
        client.post(urls(lesson, attempt)["autosave"], answers_by_title(attempt, Capitale="Québec"))
        deadline = attempt.deadline_at

        clock.shift(datetime.timedelta(minutes=11))
        # A save that arrives after the limit stores nothing…
        late = client.post(urls(lesson, attempt)["autosave"], answers_by_title(attempt, Vrai="true"))
        assert late.status_code == 409
        # …and the attempt counts as submitted when time ran out, with what was saved by then.
        attempt.refresh_from_db()
        assert attempt.is_submitted and attempt.submitted_at == deadline
        assert attempt.score == Decimal("1")
        assert Response.objects.get(attempt=attempt, question__title="Vrai").answer is None


def test_sweep_submits_abandoned_attempts_at_their_deadline(lesson, quiz, learner):
    quiz.time_limit_minutes = 5
    quiz.save()
    attempt = attempt_start(quiz=quiz, user=learner)

    assert attempts_expire_overdue(now=attempt.deadline_at - datetime.timedelta(seconds=1)) == 0
    assert attempts_expire_overdue(now=attempt.deadline_at + datetime.timedelta(minutes=1)) == 1

    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.submitted_at == attempt.deadline_at
    assert AuditEntry.objects.filter(action="auto_submit").count() == 1


def test_take_page_never_contains_the_answer_key(client, lesson, quiz, learner):
    attempt = start(client, lesson, learner)

    page = client.get(urls(lesson, attempt)["take"]).content.decode()

    for secret in ("Oui, la ville de Québec", "La capitale nationale", "fraction", "Exact.", "rareté", "3.14"):
        assert secret not in page


@pytest.mark.parametrize("policy, due_in_hours, shown", [
    ("after_submit", None, True),
    ("never", None, False),
    ("after_due", 24, False),
    ("after_due", -1, True),
])
def test_result_page_follows_the_review_policy(client, lesson, quiz, learner, policy, due_in_hours, shown):
    quiz.review_policy = policy
    quiz.late_policy = "accept"
    quiz.due_at = timezone.now() + datetime.timedelta(hours=due_in_hours) if due_in_hours else None
    quiz.save()
    attempt = start(client, lesson, learner)
    client.post(urls(lesson, attempt)["take"], answers_by_title(attempt, Capitale="Montréal"))
    client.post(urls(lesson, attempt)["confirm"])

    page = client.get(urls(lesson, attempt)["result"]).content.decode()

    assert ("Non, c’est la métropole." in page) is shown
    assert ("La capitale nationale est la ville de Québec." in page) is shown
    assert "Résultat : 0 / 7" in page


def test_instructor_grades_an_essay_and_the_score_follows(client, lesson, quiz, learner, teacher):
    attempt = start(client, lesson, learner)
    client.post(urls(lesson, attempt)["take"], answers_by_title(attempt, **ALL_RIGHT))
    client.post(urls(lesson, attempt)["confirm"])
    essay = Response.objects.get(attempt=attempt, question__title="Essai")
    client.force_login(teacher)
    queue = reverse("courses:quizzes:essays", kwargs={"course": lesson.course.slug})
    assert "Chaque nouvel utilisateur" in client.get(queue).content.decode()

    client.post(queue, {"response": essay.pk, "score": "0.75", "comment": "Bien, mais citez le texte."})

    attempt.refresh_from_db()
    assert attempt.score == Decimal("6.75") and not attempt.needs_grading
    entry = AuditEntry.objects.get(action="manual_grade")
    assert entry.actor == teacher and entry.changes["new"] == "0.750"
    assert "Chaque nouvel utilisateur" not in client.get(queue).content.decode()


def test_student_cannot_open_the_essay_queue(client, lesson, quiz, learner):
    client.force_login(learner)
    assert client.get(reverse("courses:quizzes:essays", kwargs={"course": lesson.course.slug})).status_code == 403


def test_essay_grade_above_the_points_is_refused_and_keeps_the_comment(client, lesson, quiz, learner, teacher):
    attempt = start(client, lesson, learner)
    client.post(urls(lesson, attempt)["take"], answers_by_title(attempt, Essai="Texte"))
    client.post(urls(lesson, attempt)["confirm"])
    essay = Response.objects.get(attempt=attempt, question__title="Essai")
    client.force_login(teacher)

    page = client.post(
        reverse("courses:quizzes:essays", kwargs={"course": lesson.course.slug}),
        {"response": essay.pk, "score": "5", "comment": "Mon commentaire"},
    ).content.decode()

    assert "Mon commentaire" in page
    essay.refresh_from_db()
    assert essay.graded_at is None


def test_grading_method_decides_the_quiz_grade(client, lesson, quiz, learner):
    from quizzes.selectors import quiz_grade_percent, user_attempts

    quiz.max_attempts = None
    quiz.save()
    for answers in ({"Capitale": "Québec", "Vrai": "true"}, {"Capitale": "Québec"}):
        attempt = start(client, lesson, learner)
        client.post(urls(lesson, attempt)["take"], answers_by_title(attempt, **answers, Essai=""))
        client.post(urls(lesson, attempt)["confirm"])
    Attempt.objects.filter(user=learner).update(needs_grading=False)
    attempts = user_attempts(quiz=quiz, user=learner)

    assert quiz_grade_percent(attempts=attempts, method="highest") == Decimal("28.6")
    assert quiz_grade_percent(attempts=attempts, method="last") == Decimal("14.3")
    assert quiz_grade_percent(attempts=attempts, method="average") == Decimal("21.4")
