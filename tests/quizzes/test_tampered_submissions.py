"""Forms no honest quiz page sends: 400 or 404, nothing stored, never a 500."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from courses.models import Enrollment
from quizzes.models import Attempt, Response
from quizzes.services import attempt_start
from tests.factories import EnrollmentFactory, LessonFactory, answers_by_title, quiz_from_gift

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson)
    other_quiz = quiz_from_gift(LessonFactory(course=lesson.course))
    learner = EnrollmentFactory(course=lesson.course).user
    attempt = attempt_start(quiz=quiz, user=learner)
    client.force_login(learner)
    autosave = reverse("courses:quizzes:autosave", kwargs={"course": lesson.course.slug, "attempt": attempt.pk})
    return {"lesson": lesson, "quiz": quiz, "other_quiz": other_quiz, "learner": learner, "attempt": attempt, "autosave": autosave}


def question(attempt, title):
    return attempt.quiz.questions.get(title=title)


def test_unknown_choice_is_refused(client, setup):
    attempt = setup["attempt"]
    response = client.post(setup["autosave"], {f"q-{question(attempt, 'Capitale').pk}": "not-a-choice"})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_choice_of_another_question_is_refused(client, setup):
    attempt = setup["attempt"]
    colours = question(attempt, "Couleurs").data["answers"][0]["id"]
    response = client.post(setup["autosave"], {f"q-{question(attempt, 'Capitale').pk}": colours})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_question_of_another_quiz_is_refused(client, setup):
    foreign = setup["other_quiz"].questions.get(title="Capitale")
    response = client.post(setup["autosave"], {f"q-{foreign.pk}": foreign.data["answers"][0]["id"]})
    assert response.status_code == 400
    assert not Response.objects.exists()


def test_another_students_attempt_is_not_found(client, setup):
    other = EnrollmentFactory(course=setup["lesson"].course).user
    client.force_login(other)
    attempt = setup["attempt"]
    kwargs = {"course": setup["lesson"].course.slug, "attempt": attempt.pk}

    assert client.post(setup["autosave"], answers_by_title(attempt, Capitale="Québec")).status_code == 404
    assert client.get(reverse("courses:quizzes:take", kwargs=kwargs)).status_code == 404
    assert client.get(reverse("courses:quizzes:result", kwargs=kwargs)).status_code == 404
    assert client.post(reverse("courses:quizzes:confirm", kwargs=kwargs)).status_code == 404
    assert not Response.objects.exists()
    attempt.refresh_from_db()
    assert not attempt.is_submitted


def test_teaching_assistant_may_read_but_not_answer_a_students_attempt(client, setup):
    assistant = EnrollmentFactory(course=setup["lesson"].course, role=Enrollment.Role.TEACHING_ASSISTANT).user
    client.force_login(assistant)
    kwargs = {"course": setup["lesson"].course.slug, "attempt": setup["attempt"].pk}

    assert client.get(reverse("courses:quizzes:result", kwargs=kwargs)).status_code == 200
    assert client.post(setup["autosave"], answers_by_title(setup["attempt"], Capitale="Québec")).status_code == 404


def test_closed_attempt_stores_nothing(client, setup):
    attempt = setup["attempt"]
    kwargs = {"course": setup["lesson"].course.slug, "attempt": attempt.pk}
    client.post(reverse("courses:quizzes:confirm", kwargs=kwargs))

    response = client.post(setup["autosave"], answers_by_title(attempt, Capitale="Québec"))

    assert response.status_code == 409
    assert not Response.objects.filter(answer__isnull=False).exists()


def test_huge_payload_is_refused(client, setup):
    attempt = setup["attempt"]
    response = client.post(setup["autosave"], {f"q-{question(attempt, 'Essai').pk}": "x" * 300_000})
    assert response.status_code == 400
    assert not Response.objects.exists()


field_names = st.one_of(
    st.just("q-"), st.text(max_size=12).map(lambda s: "q-" + s), st.integers(-5, 10**9).map(lambda n: f"q-{n}"),
    st.text(max_size=10),
)
field_values = st.one_of(st.text(max_size=300), st.integers().map(str), st.just("true"), st.just(""))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(payload=st.dictionaries(field_names, st.lists(field_values, min_size=1, max_size=3), max_size=6), real=st.booleans())
def test_random_payloads_never_cause_a_server_error(client, setup, payload, real):
    attempt = setup["attempt"]
    if real:
        # Aim some fields at the attempt's real questions so the validators, not only the parser, are exercised.
        ids = attempt.layout["questions"]
        payload = {f"q-{ids[i % len(ids)]}": values for i, values in enumerate(payload.values())}
    before = list(Response.objects.filter(attempt=attempt).values_list("question_id", "answer"))

    response = client.post(setup["autosave"], payload)

    assert response.status_code in (200, 400)
    if response.status_code == 400:
        assert list(Response.objects.filter(attempt=attempt).values_list("question_id", "answer")) == before
    assert Attempt.objects.get(pk=attempt.pk).status == "in_progress"


@pytest.mark.parametrize("field", ["q-99999999999999999999999", "q-abc", "q-{capitale}-99999999999999999999999", "q-{capitale}-abc"])
def test_overlong_or_non_numeric_question_ids_are_refused(client, setup, field):
    attempt = setup["attempt"]
    name = field.format(capitale=question(attempt, "Capitale").pk)
    client.raise_request_exception = False
    response = client.post(setup["autosave"], {name: "x"})
    assert response.status_code == 400
    assert not Response.objects.exists()
