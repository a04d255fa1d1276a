"""Notices the reminders app writes for the apps below it that may not import notifications (quizzes):
an essay graded. The notice is in-app at once; its e-mail follows the person's preferences (`sweeps.sweep_notices`)."""

from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils.translation import gettext as _

from notifications.models import Notification
from notifications.services import notifications_create


def essay_graded_notify(*, response) -> None:
    """Tell the student their essay answer is graded, with the score (in the caller's transaction)."""
    attempt = response.attempt
    if attempt.is_preview:
        return
    lesson = attempt.quiz.lesson
    url = reverse("courses:quizzes:result", kwargs={"course": lesson.course.slug, "attempt": attempt.pk})

    def render():
        # Inside the reader's language: the score's decimal comma is theirs.
        score = {"score": floatformat(response.score, -2), "points": floatformat(response.question.points, -2)}
        title = _("Your answer in “%(quiz)s” is graded: %(score)s / %(points)s") % {"quiz": lesson.title, **score}
        body = _("Comment: %(comment)s") % {"comment": response.grader_comment} if response.grader_comment else ""
        return title, body

    notifications_create(
        users=[attempt.user], kind=Notification.Kind.ESSAY_GRADED, subject_key=f"quizzes.response:{response.pk}",
        url=url, render=render,
    )
