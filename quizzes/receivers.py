"""What quizzes add to the pages of the apps below them (the student's to-do list, the lesson page).
Connected in `QuizzesConfig.ready`."""

from django.dispatch import receiver

from courses.signals import todo_requested
from lessons.signals import lesson_page_requested


@receiver(todo_requested, dispatch_uid="quizzes.todo")
def quizzes_in_todo(sender, *, user_id, course_ids, now, **kwargs):
    from quizzes.selectors import student_quiz_todo

    return student_quiz_todo(user_id=user_id, course_ids=course_ids, now=now)


@receiver(lesson_page_requested, dispatch_uid="quizzes.lesson_page")
def quiz_dates_on_lesson_page(sender, *, lesson, user, is_staff, **kwargs):
    """The reader's own quiz dates (overrides, extra time) and whether the quiz is late for them."""
    from quizzes.models import Quiz
    from quizzes.selectors import lesson_quiz_due

    try:
        quiz = lesson.quiz  # selected with the lesson by `lesson_access`
    except Quiz.DoesNotExist:
        return {}
    return lesson_quiz_due(quiz=quiz, user=user, is_staff=is_staff)
