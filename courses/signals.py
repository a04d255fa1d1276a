"""Events that apps above `courses` announce, so that the apps that keep figures about students
(the gradebook's standings) follow without the lower apps importing them.

Sent inside the writer's transaction (Django signals are synchronous): a receiver that writes
commits or rolls back with the work it follows.
"""

from collections.abc import Iterable
from datetime import datetime

from django.dispatch import Signal

# kwargs: course_id, lesson_id (either may be None; one of them is given), user_ids
work_changed = Signal()
# kwargs: course_id. What every student's grade depends on changed (a quiz's due date or grading method): the
# receivers queue a class-wide refresh for after the commit, never run it inside the request (decision 0023).
class_frame_changed = Signal()
# kwargs: user_id, at, lesson_id (None: every course of the user, e.g. a login)
activity_recorded = Signal()
# kwargs: course_id, user_ids (None: the whole class). A receiver returns {user_id: (done, total)}: course-wide
# participation work that an upper app keeps (the spaced review's cards), asked for by the gradebook without
# importing that app. Receivers return {} when the instructor has not turned the credit on.
course_participation_requested = Signal()


def student_work_changed(*, user_ids: Iterable[int], course_id: int | None = None, lesson_id: int | None = None) -> None:
    """Announce that these students' graded work in a course (or a lesson of it) changed."""
    user_ids = sorted(set(user_ids))
    if user_ids:
        work_changed.send(sender=None, course_id=course_id, lesson_id=lesson_id, user_ids=user_ids)


def student_activity_recorded(*, user_id: int, at: datetime, lesson_id: int | None = None) -> None:
    """Announce activity that changes no grade (answers autosaved, a login): only the last activity moves."""
    activity_recorded.send(sender=None, user_id=user_id, at=at, lesson_id=lesson_id)


def course_frame_changed(*, course_id: int) -> None:
    """Announce that a course-wide rule of grading (a due date, a grading method) changed for the whole class."""
    class_frame_changed.send(sender=None, course_id=course_id)


def answers_merged(signal: Signal, **kwargs) -> dict:
    """Ask the apps above through `signal` and merge the dicts their receivers return (None counts as {})."""
    merged: dict = {}
    for _receiver, answer in signal.send(sender=None, **kwargs):
        merged.update(answer or {})
    return merged


def course_participation(*, course_id: int, user_ids: Iterable[int] | None = None) -> dict[int, tuple[int, int]]:
    """Per student, (done, total) of the course-wide participation work the apps above report; {} when none counts."""
    return answers_merged(course_participation_requested, course_id=course_id, user_ids=None if user_ids is None else list(user_ids))


# kwargs: user_id, course_ids, now. A receiver returns a list of to-do items for this student in these
# courses (`TodoItem` below): the quizzes app its overdue and soon-due quizzes, the review app the cards due.
todo_requested = Signal()

TODO_OVERDUE, TODO_DUE_SOON, TODO_REVIEW = 0, 1, 2


def student_todo(*, user_id: int, course_ids: Iterable[int], now: datetime) -> dict[int, list[dict]]:
    """Per course, what the student has to do, in the order they should do it: overdue work first (oldest
    first), then what falls due in the next 7 days, then the review cards due.

    Each item is a dict: `course_id`, `rank` (one of the TODO_* above), `title`, `url`, `due_at` (or None),
    `count` (cards, for a review item). Asked of the apps above, which this app does not import.
    """
    course_ids = sorted(set(course_ids))
    by_course: dict[int, list[dict]] = {course_id: [] for course_id in course_ids}
    if not course_ids:
        return by_course
    for _receiver, items in todo_requested.send(sender=None, user_id=user_id, course_ids=course_ids, now=now):
        for item in items or []:
            by_course.setdefault(item["course_id"], []).append(item)
    for items in by_course.values():
        items.sort(key=lambda item: (item["rank"], item["due_at"] or now, item["title"]))
    return by_course
