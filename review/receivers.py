"""Quiz hooks: a graded attempt's questions join the student's deck once the grade is committed.

Listening to the quizzes' signal keeps the dependency one way (review imports quizzes, never the reverse).
"""

from django.dispatch import receiver

from quizzes.signals import attempt_graded


@receiver(attempt_graded)
def add_cards_for_graded_attempt(sender, *, attempt, **kwargs):
    from review.services import cards_add_on_commit

    cards_add_on_commit(attempt=attempt)
