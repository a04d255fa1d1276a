"""Grades go back to the LMS through the outbox: graded attempts, regrades and overrides; a platform down only delays."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from gradebook.services import grade_override_set
from lti.models import LtiLineItem, LtiScore, LtiUserLink
from lti.services import scores_send_due
from quizzes.services import attempt_start, attempt_submit
from tests.lti.test_launch import QUIZ_LESSON, launch

pytestmark = pytest.mark.django_db


@pytest.fixture
def launched_student(client, lms, registered):
    launch(client, lms, custom={"lesson": QUIZ_LESSON, "target": "quiz"})
    return LtiUserLink.objects.get(sub="student-sub-1").user


def _quiz(course):
    return course.lessons.get(slug=QUIZ_LESSON).quiz


def _submit(quiz, user, answers=None):
    attempt = attempt_start(quiz=quiz, user=user)
    return attempt_submit(attempt_id=attempt.pk, answers=answers or {})


def test_a_graded_attempt_reaches_the_lms_gradebook_in_a_column_made_for_the_quiz(lms, registered, launched_student, django_capture_on_commit_callbacks):
    quiz = _quiz(registered.course)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        attempt = _submit(quiz, launched_student)
    assert callbacks, "the send is queued after the commit"

    assert scores_send_due() == 1

    assert len(lms.line_items) == 1 and lms.line_items[0]["scoreMaximum"] == 100
    assert lms.line_items[0]["tag"] == f"quiz-{quiz.pk}"
    [score] = lms.scores
    assert score["userId"] == "student-sub-1"
    assert score["scoreGiven"] == float(round(100 * attempt.score / attempt.max_score, 1))
    assert score["scoreMaximum"] == 100 and score["gradingProgress"] == "FullyGraded"
    assert score["lineitem"] == LtiLineItem.objects.get(quiz=quiz).url
    assert lms.token_requests[0]["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def test_a_platform_that_is_down_delays_the_score_and_never_loses_it(lms, registered, launched_student):
    quiz = _quiz(registered.course)
    _submit(quiz, launched_student)
    lms.down = True

    assert scores_send_due() == 0
    row = LtiScore.objects.get()
    assert (row.status, row.tries) == (LtiScore.Status.PENDING, 1)
    assert row.next_try_at > timezone.now() and "503" in row.last_error
    assert scores_send_due() == 0  # not due yet: no hammering
    lms.down = False

    assert scores_send_due(now=timezone.now() + timedelta(minutes=3)) == 1
    assert len(lms.scores) == 1
    assert LtiScore.objects.get().status == LtiScore.Status.SENT


def test_an_override_sends_the_instructors_value(lms, registered, launched_student, instructor):
    quiz = _quiz(registered.course)
    _submit(quiz, launched_student)
    scores_send_due()

    grade_override_set(course=registered.course, student=launched_student, item=f"quiz:{quiz.lesson_id}",
                       value="87.5", reason="Reprise orale", actor=instructor)
    assert scores_send_due() == 1

    assert lms.scores[-1]["scoreGiven"] == 87.5
    assert LtiScore.objects.get().sent_score == Decimal("87.5")


def test_a_regrade_that_changes_a_score_sends_it_again(lms, registered, launched_student, instructor):
    from quizzes.models import Question
    from quizzes.services import quiz_regrade

    quiz = _quiz(registered.course)
    question = next(q for q in Question.objects.filter(quiz=quiz, type="multichoice")
                    if any(a["fraction"] <= 0 for a in q.data["answers"]))
    wrong = next(a for a in question.data["answers"] if a["fraction"] <= 0)
    _submit(quiz, launched_student, {str(question.pk): wrong["id"]})
    scores_send_due()
    first = lms.scores[-1]["scoreGiven"]

    for answer in question.data["answers"]:  # the instructor corrects the key: that answer was right after all
        answer["fraction"] = 1.0 if answer["id"] == wrong["id"] else 0.0
    question.save()
    assert quiz_regrade(quiz=quiz, actor=instructor) == 1
    assert scores_send_due() == 1

    assert lms.scores[-1]["scoreGiven"] > first


def test_students_who_never_came_from_the_lms_send_nothing(lms, registered, student):
    _submit(_quiz(registered.course), student)
    assert LtiScore.objects.count() == 0
    assert scores_send_due() == 0 and lms.scores == []


def test_preview_attempts_are_never_sent(lms, registered, launched_student, instructor):
    attempt = attempt_start(quiz=_quiz(registered.course), user=instructor, preview=True)
    attempt_submit(attempt_id=attempt.pk, answers={})
    assert LtiScore.objects.count() == 0


def test_the_lms_gets_the_same_quiz_grade_as_our_gradebook_late_penalty_included(lms, registered, launched_student):
    from gradebook.models import GradingScheme
    from gradebook.selectors import student_standing
    from quizzes.models import Attempt

    quiz = _quiz(registered.course)
    GradingScheme.objects.update_or_create(course=registered.course, defaults={"late_penalty_percent": 50})
    attempt = _submit(quiz, launched_student)
    Attempt.objects.filter(pk=attempt.pk).update(is_late=True, score=attempt.max_score)
    scores_send_due()

    cell = student_standing(course=registered.course, user=launched_student).grade.item("quiz", quiz.lesson_id)
    assert lms.scores[-1]["scoreGiven"] == float(cell.value) == 50.0


@pytest.mark.parametrize("size", [1, 12])
def test_queueing_a_whole_class_costs_the_same_queries(lms, registered, size, django_assert_num_queries):
    from lti.models import LtiContext, LtiMembership
    from lti.services import scores_queue, user_link_ensure
    from tests.factories import EnrollmentFactory

    quiz = _quiz(registered.course)
    context = LtiContext.objects.create(platform=registered, deployment=registered.deployments.get(), context_id="c",
                                        course=registered.course, lineitems_url=f"{lms.issuer}/lineitems")
    users = [EnrollmentFactory(course=registered.course).user for _ in range(size)]
    for i, user in enumerate(users):
        link = user_link_ensure(platform=registered, sub=f"s{i}", claims={})
        link.user = user
        link.save()
        LtiMembership.objects.create(context=context, user_link=link)

    with django_assert_num_queries(2):  # the members' links and LMS courses in one read, then one upsert
        assert scores_queue(quiz_id=quiz.pk, user_ids=[u.pk for u in users]) == size
    assert LtiScore.objects.filter(context=context, status=LtiScore.Status.PENDING).count() == size


def test_a_score_goes_only_to_the_lms_course_the_student_is_in(client, lms, registered):
    from django.test import Client

    from lti.models import LtiContext

    launch(Client(), lms, sub="section-a-student", custom={"lesson": QUIZ_LESSON, "target": "quiz"})
    lms.context_id = "lms-course-section-b"  # a second LMS course bound to the same course site
    launch(client, lms, sub="section-b-student", custom={"lesson": QUIZ_LESSON, "target": "quiz"})
    section_b = LtiContext.objects.get(context_id="lms-course-section-b")
    student_b = LtiUserLink.objects.get(sub="section-b-student").user

    _submit(_quiz(registered.course), student_b)

    assert list(LtiScore.objects.values_list("context_id", flat=True)) == [section_b.pk]
    assert scores_send_due() == 1
    assert [s["userId"] for s in lms.scores] == ["section-b-student"]


def test_a_score_the_lms_refuses_for_good_is_marked_failed_and_the_instructor_sends_it_again(
    client, lms, registered, launched_student, instructor, settings, django_capture_on_commit_callbacks,
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    quiz = _quiz(registered.course)
    _submit(quiz, launched_student)
    lms.score_status = 403

    assert scores_send_due() == 0
    row = LtiScore.objects.get()
    assert (row.status, row.last_error) == (LtiScore.Status.FAILED, "score: HTTP 403")
    assert scores_send_due(now=timezone.now() + timedelta(days=1)) == 0  # not retried on its own

    client.force_login(instructor)
    page = client.get(f"/lti/courses/{registered.course.slug}/").content.decode()
    assert "Notes refusées par la plateforme" in page and "score: HTTP 403" in page
    assert "LMS-INTERNAL-DETAIL" not in page  # the LMS's own text is never shown

    lms.score_status = None
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/lti/courses/{registered.course.slug}/scores/{row.pk}/resend/")

    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == LtiScore.Status.SENT and len(lms.scores) == 1


@pytest.mark.parametrize("status", [429, 401, 500])
def test_a_transient_refusal_keeps_the_score_pending_with_back_off(lms, registered, launched_student, status):
    _submit(_quiz(registered.course), launched_student)
    lms.score_status = status
    assert scores_send_due() == 0
    row = LtiScore.objects.get()
    assert (row.status, row.tries) == (LtiScore.Status.PENDING, 1) and row.next_try_at > timezone.now()


def test_another_courses_instructor_cannot_send_a_score_again(client, lms, registered, launched_student):
    from courses.models import Enrollment
    from tests.factories import CourseFactory, EnrollmentFactory

    _submit(_quiz(registered.course), launched_student)
    lms.score_status = 403
    scores_send_due()
    row = LtiScore.objects.get()
    other = EnrollmentFactory(course=CourseFactory(), role=Enrollment.Role.INSTRUCTOR)
    client.force_login(other.user)
    assert client.post(f"/lti/courses/{other.course.slug}/scores/{row.pk}/resend/").status_code == 404
    assert client.post(f"/lti/courses/{registered.course.slug}/scores/{row.pk}/resend/").status_code in (403, 404)
    row.refresh_from_db()
    assert row.status == LtiScore.Status.FAILED
