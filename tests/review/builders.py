"""Shared setup for review tests: a student's graded attempt on the sample quiz, cards made by its follow-ups."""

import datetime

from django.utils import timezone

from quizzes.services import attempt_followups_run, attempt_start, attempt_submit
from tests.factories import EnrollmentFactory, LessonFactory, answers_by_title, quiz_from_gift

# Capitale wrong, Couleurs partly right, Vrai right, Rareté right, Pi wrong; Paires and Essai unanswered.
MIXED_ANSWERS = {"Capitale": "Montréal", "Couleurs": ["Rouge"], "Vrai": "true", "Rareté": "rareté", "Pi": "3"}


def service_answers(attempt, **by_title) -> dict:
    """The answers the quiz service takes, built from the quiz page's form names."""
    from django.http import QueryDict

    from quizzes.forms import answers_from_post

    post = QueryDict(mutable=True)
    for name, value in answers_by_title(attempt, **by_title).items():
        post.setlist(name, value if isinstance(value, list) else [value])
    return answers_from_post(post)


def graded_student(django_capture_on_commit_callbacks, *, lesson=None, answers=None, at=None, user=None):
    """A student who submitted the sample quiz (with `answers`), so that their cards exist."""
    lesson = lesson or LessonFactory()
    quiz = lesson.quiz if hasattr(lesson, "quiz") else quiz_from_gift(lesson)
    user = user or EnrollmentFactory(course=lesson.course).user
    at = at or timezone.now() - datetime.timedelta(days=1, hours=1)
    attempt = attempt_start(quiz=quiz, user=user, now=at)
    # The nudge to a worker is left unsent (a test's real worker would race this thread): the builder does its work.
    with django_capture_on_commit_callbacks(execute=False):
        attempt_submit(attempt_id=attempt.pk, answers=service_answers(attempt, **(answers or MIXED_ANSWERS)), now=at)
    attempt_followups_run(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return user, quiz, attempt
