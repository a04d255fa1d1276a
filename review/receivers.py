"""Quiz hooks: a graded attempt's questions join the student's deck once the grade is committed.

Listening to the quizzes' signal keeps the dependency one way (review imports quizzes, never the reverse).
"""

from django.dispatch import receiver

from courses.signals import course_participation_requested
from quizzes.signals import attempt_graded


@receiver(attempt_graded)
def add_cards_for_graded_attempt(sender, *, attempt, **kwargs):
    from review.services import cards_add_on_commit

    cards_add_on_commit(attempt=attempt)


@receiver(course_participation_requested, dispatch_uid="review.participation")
def report_review_participation(sender, *, course_id, user_ids=None, **kwargs):
    """The gradebook asks what counts as participation: the cards reviewed, when the instructor turned the credit on."""
    from review.selectors import review_participation

    return review_participation(course_id=course_id, user_ids=user_ids)
