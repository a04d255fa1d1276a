"""The spaced review's participation credit: off by default and then nothing changes; on, the students who
reviewed earn participation credit (a "Reviews" item), those who did not earn none, and no quiz grade moves."""

from decimal import Decimal

import pytest
from django.urls import reverse

from courses.models import Enrollment
from gradebook.computation import REVIEW_KEY
from gradebook.models import Standing
from gradebook.selectors import grade_from_standing, student_standing
from review.models import Card
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
from tests.review.builders import graded_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(django_capture_on_commit_callbacks):
    lesson = LessonFactory()
    quiz_from_gift(lesson)
    ann, _quiz, _attempt = graded_student(django_capture_on_commit_callbacks, lesson=lesson)
    bob, _quiz, _attempt = graded_student(django_capture_on_commit_callbacks, lesson=lesson)
    teacher = EnrollmentFactory(course=lesson.course, role=Enrollment.Role.INSTRUCTOR).user
    return {"course": lesson.course, "lesson": lesson, "ann": ann, "bob": bob, "teacher": teacher}


def review_first_due_card(client, course, user):
    """The student opens the review page and answers the card it shows (left blank: a wrong answer is a review too)."""
    client.force_login(user)
    page = client.get(reverse("courses:review:index", kwargs={"course": course.slug}))
    card, question = page.context["page"].card, page.context["page"].question
    response = client.post(
        reverse("courses:review:answer", kwargs={"course": course.slug, "card": card.pk}),
        {"question": question.pk, "due": page.context["shown_due"]},
    )
    assert response.status_code == 302
    return card


def turn_credit(client, world, on: bool):
    client.force_login(world["teacher"])
    data = {"daily_cap": "15"} | ({"participation_credit": "on"} if on else {})
    response = client.post(reverse("courses:review:settings", kwargs={"course": world["course"].slug}), data)
    assert response.status_code == 302


def kept_grade(course, user):
    return grade_from_standing(Standing.objects.get(course=course, user=user))


def progress_text(client, course, user) -> str:
    client.force_login(user)
    return client.get(reverse("courses:progress", kwargs={"course": course.slug})).content.decode()


def test_with_the_credit_off_reviews_change_no_total(client, world):
    course, ann = world["course"], world["ann"]
    before = kept_grade(course, ann)
    review_first_due_card(client, course, ann)
    after = kept_grade(course, ann)
    assert REVIEW_KEY not in after.items
    assert (after.total_so_far, after.total_projected, after.items) == (before.total_so_far, before.total_projected, before.items)
    assert student_standing(course=course, user=ann).grade == after
    assert "comptent dans la note de participation" not in progress_text(client, course, ann)


def test_with_the_credit_on_the_student_who_reviewed_earns_participation_and_the_other_does_not(client, world):
    course, lesson, ann, bob = world["course"], world["lesson"], world["ann"], world["bob"]
    quiz_key = f"quiz:{lesson.pk}"
    quiz_before = kept_grade(course, ann).items[quiz_key]
    turn_credit(client, world, on=True)
    review_first_due_card(client, course, ann)

    ann_grade, bob_grade = kept_grade(course, ann), kept_grade(course, bob)
    # Six questions became cards (the essay and the description make none); Ann reviewed one of them.
    assert Card.objects.filter(user=ann).count() == 6
    assert ann_grade.items[REVIEW_KEY].value == Decimal("16.67")
    assert bob_grade.items[REVIEW_KEY].value == Decimal("0.00")
    assert ann_grade.category_so_far["participation"] > bob_grade.category_so_far["participation"]
    assert ann_grade.total_so_far > bob_grade.total_so_far
    # The quiz grade never moves with reviews.
    assert ann_grade.items[quiz_key] == quiz_before == bob_grade.items[quiz_key]
    # The kept standing is what computing gives, and the progress page says it in French.
    assert student_standing(course=course, user=ann).grade == ann_grade
    assert "Vos révisions comptent dans la note de participation\u00a0: 16,67\u00a0%" in progress_text(client, course, ann)
    assert "(1 de vos 6 questions révisées au moins une fois depuis leur test)" in progress_text(client, course, ann)
    assert "Vos révisions comptent dans la note de participation\u00a0: 0\u00a0%" in progress_text(client, course, bob)


def test_turning_the_credit_off_again_restores_the_totals(client, world):
    course, ann = world["course"], world["ann"]
    before = kept_grade(course, ann)
    turn_credit(client, world, on=True)
    review_first_due_card(client, course, ann)
    assert kept_grade(course, ann).total_so_far != before.total_so_far
    turn_credit(client, world, on=False)
    assert kept_grade(course, ann) == before


def test_the_settings_page_explains_the_rule_in_french(client, world):
    client.force_login(world["teacher"])
    page = client.get(reverse("courses:review:settings", kwargs={"course": world["course"].slug})).content.decode()
    assert "Comment le crédit de participation est calculé" in page
    assert "révisées au moins une fois depuis le test" in page


def test_the_instructor_sees_a_reviews_column_only_when_the_credit_is_on(client, world):
    course, ann = world["course"], world["ann"]
    index = reverse("courses:gradebook:index", kwargs={"course": course.slug})
    client.force_login(world["teacher"])
    assert client.get(index).context["review_column"] is False
    turn_credit(client, world, on=True)
    review_first_due_card(client, course, ann)
    client.force_login(world["teacher"])
    page = client.get(index)
    assert page.context["review_column"] is True
    cells = {row.user.pk: cells[-1] for row, cells in page.context["table"]}
    assert cells[ann.pk].value == Decimal("16.67") and cells[world["bob"].pk].value == Decimal("0.00")
    detail = client.get(reverse("courses:gradebook:student", kwargs={"course": course.slug, "user_id": ann.pk}))
    assert "Participation – Révisions" in detail.content.decode()
