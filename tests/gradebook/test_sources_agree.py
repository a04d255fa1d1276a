"""The gradebook page, the export and a student's own page compute the same grades."""

from datetime import timedelta

import pytest
from django.utils import timezone

from discussions.models import Post, Thread
from gradebook.selectors import gradebook_rows, gradebook_stream, student_standing
from gradebook.standings import standings_fresh_frame
from gradebook.services import grade_override_set, grading_scheme_update
from tests.gradebook.builders import answer_prompts, attempt, course_with_lessons, kept_up, read, student

pytestmark = pytest.mark.django_db


def test_page_export_and_progress_agree_on_every_cell():
    course, instructor, (first, second, third) = course_with_lessons(
        lessons=3, due_in=(timedelta(days=-3), timedelta(days=-1), timedelta(days=4))
    )
    grading_scheme_update(course=course, late_penalty_percent=15)
    people = [student(course) for _ in range(5)]
    a, b, c, d, e = people
    attempt(first, a, 7)
    attempt(first, a, 10, number=2, late=True)
    attempt(second, a, 4, needs_grading=True)
    read(first, a)
    answer_prompts(first, a, 3)
    answer_prompts(second, b, 1)
    hidden = answer_prompts(third, b, 2)
    Post.objects.filter(pk=hidden[0].pk).update(hidden_at=timezone.now(), hidden_reason="hors sujet")
    Post.objects.filter(pk=hidden[1].pk).update(deleted_at=timezone.now())
    own = Thread.objects.create(lesson=third, author=c, title="Ma question", last_post_at=timezone.now())
    Post.objects.create(thread=own, author=c, is_opening=True, body="Question ?", body_html="<p>Question ?</p>")
    kept_up(course)
    attempt(third, d, 9)
    read(second, d)
    grade_override_set(course=course, student=e, item=f"quiz:{first.pk}", value=55, reason="Absence motivée", actor=instructor)
    now = timezone.now()

    page = {row.user.pk: row.grade for row in gradebook_rows(course=course, now=now).rows}
    _frame, stream = gradebook_stream(course=course, frame=standings_fresh_frame(course=course, now=now))
    exported = {enrollment.user_id: grade for enrollment, grade in stream}
    own_pages = {user.pk: student_standing(course=course, user=user, now=now).grade for user in people}

    def cells(grade):
        return (
            {key: (item.state, item.value) for key, item in grade.items.items()},
            grade.total_so_far, grade.total_projected, grade.letter,
        )

    for user in people:
        assert cells(page[user.pk]) == cells(exported[user.pk]) == cells(own_pages[user.pk]), user.username
    # Spot checks: B answered 1 of 3 prompts in lesson 2 (50 %); the hidden and removed posts do not count.
    assert page[b.pk].items[f"participation:{second.pk}"].value == 50
    assert page[b.pk].items[f"participation:{third.pk}"].value is None
    # C started a thread without answering any prompt: the replies-only credit.
    assert page[c.pk].items[f"participation:{third.pk}"].value == 50
