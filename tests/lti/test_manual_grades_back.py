"""A manual grade item's grades reach the LMS in a column of their own, through the same outbox as quiz scores."""

from decimal import Decimal

import pytest

from gradebook.services import manual_grade_set, manual_grades_import, manual_item_save
from lti.models import LtiLineItem, LtiScore, LtiUserLink
from lti.services import scores_send_due
from tests.lti.test_launch import QUIZ_LESSON, launch

pytestmark = pytest.mark.django_db


@pytest.fixture
def launched_student(client, lms, registered):
    launch(client, lms, custom={"lesson": QUIZ_LESSON, "target": "quiz"})
    return LtiUserLink.objects.get(sub="student-sub-1").user


def test_a_manual_grade_reaches_the_lms_in_a_column_made_for_the_item(lms, registered, launched_student, instructor):
    item = manual_item_save(course=registered.course, actor=instructor, title="Examen final", category="quiz", max_points="40")

    manual_grade_set(item=item, student=launched_student, points="35", actor=instructor)
    assert scores_send_due() == 1

    [column] = lms.line_items
    assert column["tag"] == f"manual-{item.pk}" and column["label"] == "Examen final" and column["scoreMaximum"] == 100
    assert lms.scores[-1]["scoreGiven"] == 87.5 and lms.scores[-1]["userId"] == "student-sub-1"
    assert LtiLineItem.objects.get(manual_item=item).url == lms.scores[-1]["lineitem"]

    # A change, here by CSV import, puts the row back to pending and the LMS gets the latest value.
    manual_grades_import(course=registered.course, actor=instructor, text=f"username,Examen final\n{launched_student.username},30\n")
    assert scores_send_due() == 1
    assert lms.scores[-1]["scoreGiven"] == 75.0
    assert LtiScore.objects.get(manual_item=item).sent_score == Decimal("75")
    assert len(lms.line_items) == 1  # the same column again


def test_students_who_never_came_from_the_lms_queue_nothing(lms, registered, instructor):
    from tests.factories import EnrollmentFactory

    someone = EnrollmentFactory(course=registered.course).user
    item = manual_item_save(course=registered.course, actor=instructor, title="Projet", category="quiz", max_points="20")

    manual_grade_set(item=item, student=someone, points="12", actor=instructor)

    assert not LtiScore.objects.exists()
