"""Hooks: a graded attempt's questions join the student's deck once the grade is committed (in a worker); the gradebook
and the reminders ask review for its figures. Listening to their signals keeps every dependency one way
(review imports quizzes, gradebook's and reminders' signals; none of them imports review).
"""

from datetime import timedelta

from django.dispatch import receiver
from django.urls import reverse

from courses.signals import course_participation_requested, todo_requested
from gradebook.signals import progress_page_requested, quiz_statistics_requested
from quizzes.signals import attempt_graded
from reminders.signals import (
    calendar_events_requested,
    instructor_digest_requested,
    student_summary_requested,
    sweep_instants_requested,
    sweep_requested,
)


@receiver(attempt_graded)
def add_cards_for_graded_attempt(sender, *, attempt, **kwargs):
    # Sent once the grade is committed, in the transaction that clears the attempt's follow-up marker.
    from review.services import cards_add_for_attempt

    if not attempt.is_preview:
        cards_add_for_attempt(attempt_id=attempt.pk)


@receiver(course_participation_requested, dispatch_uid="review.participation")
def report_review_participation(sender, *, course_id, user_ids=None, **kwargs):
    """The gradebook asks what counts as participation: the cards reviewed, when the instructor turned the credit on."""
    from review.selectors import review_participation

    return review_participation(course_id=course_id, user_ids=user_ids)


@receiver(todo_requested, dispatch_uid="review.todo")
def reviews_in_todo(sender, *, user_id, course_ids, now, **kwargs):
    """The student's « À faire » ends with the cards due today."""
    from review.selectors import student_review_todo

    return student_review_todo(user_id=user_id, course_ids=course_ids, now=now)


# --- What review adds to the reminders app (reminders asks; it never imports review) ---------------------


@receiver(sweep_requested, dispatch_uid="review.nudges")
def decide_review_nudges(sender, *, now, decisions, **kwargs):
    from review.reminders import sweep_review_nudges

    sweep_review_nudges(now=now, decisions=decisions)


@receiver(sweep_instants_requested, dispatch_uid="review.nudge_instants")
def review_nudge_instants(sender, *, start, end, decisions, **kwargs):
    from review.reminders import review_nudge_instants

    return review_nudge_instants(start=start, end=end, decisions=decisions)


@receiver(calendar_events_requested, dispatch_uid="review.calendar")
def review_days_in_calendar(sender, *, user, now, **kwargs):
    from review.selectors import review_days_for_user

    return [
        {
            "uid": f"review-{day['course_id']}-{day['day'].isoformat()}@coursesite",
            "summary": f"Révisions à faire ({day['count']}) – {day['course']}",
            "start": day["day"],
            "end": day["day"] + timedelta(days=1),
            "url": reverse("courses:review:index", kwargs={"course": day["slug"]}),
        }
        for day in review_days_for_user(user=user, now=now)
    ]


@receiver(student_summary_requested, dispatch_uid="review.student_summary")
def reviews_due_in_summary(sender, *, course, now, **kwargs):
    from review.selectors import due_review_counts

    url = reverse("courses:review:index", kwargs={"course": course.slug})
    counts = due_review_counts(course=course, until=now + timedelta(days=7))
    return {user_id: {"reviews_due": n, "review_url": url} for user_id, n in counts.items()}


@receiver(instructor_digest_requested, dispatch_uid="review.digest")
def forgotten_questions_in_digest(sender, *, course, now, **kwargs):
    from review.selectors import forgotten_questions

    return {"forgotten": forgotten_questions(course=course, now=now)}


# --- What review adds to the gradebook's pages ------------------------------------------------------------


@receiver(quiz_statistics_requested, dispatch_uid="review.quiz_statistics")
def retention_on_quiz_statistics(sender, *, quiz, course, **kwargs):
    from review.selectors import lesson_retention, question_retention

    return {"retention": question_retention(quiz=quiz), "lesson_retention": lesson_retention(course=course)}


@receiver(progress_page_requested, dispatch_uid="review.progress")
def review_summary_on_progress(sender, *, course, user, **kwargs):
    from review.selectors import review_summary

    return {"review": review_summary(course=course, user=user)}
