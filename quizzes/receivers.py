"""What quizzes add to the pages of the apps below them. Connected in `QuizzesConfig.ready`."""

from django.dispatch import receiver

from lessons.signals import lesson_page_requested


@receiver(lesson_page_requested, dispatch_uid="quizzes.lesson_page")
def quiz_dates_on_lesson_page(sender, *, lesson, user, is_staff, **kwargs):
    """The reader's own quiz dates (overrides, extra time), shown as theirs when they differ from the quiz's."""
    from quizzes.dates import QuizDates, quiz_dates_for

    quiz = getattr(lesson, "quiz", None)
    if quiz is None:
        return {}
    dates = quiz_dates_for(quizzes=[quiz], user_id=user.pk)[quiz.pk]
    return {"quiz_dates": dates, "quiz_own_dates": dates != QuizDates.of_quiz(quiz)}
