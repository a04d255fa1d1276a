"""Score hooks: quizzes and the gradebook announce a changed grade; the LTI outbox picks it up.

Listening to their signals keeps the dependency one way (lti imports quizzes
and gradebook, never the reverse).
"""

from django.dispatch import receiver

from gradebook.computation import Category, parse_item_key
from gradebook.signals import grade_override_changed, manual_grade_changed
from quizzes.signals import quiz_scores_changed


@receiver(quiz_scores_changed)
def queue_quiz_scores(sender, *, quiz_id: int, user_ids, **kwargs):
    from lti.services import scores_queue

    scores_queue(quiz_id=quiz_id, user_ids=user_ids)


@receiver(grade_override_changed)
def queue_overridden_score(sender, *, course, student, item: str, **kwargs):
    from lessons.models import Lesson
    from lti.services import scores_queue

    try:
        category, lesson_id = parse_item_key(item)
    except ValueError:
        return
    if category != Category.QUIZ:
        return
    quiz_id = Lesson.objects.filter(pk=lesson_id, course=course).values_list("quiz__pk", flat=True).first()
    if quiz_id:
        scores_queue(quiz_id=quiz_id, user_ids=[student.pk])


@receiver(manual_grade_changed)
def queue_manual_score(sender, *, course, student, item: str, **kwargs):
    from lti.services import scores_queue_manual

    _prefix, _sep, item_id = item.partition(":")
    if item_id.isdigit():
        scores_queue_manual(item_id=int(item_id), user_ids=[student.pk])
