"""Celery tasks of the gradebook: they take ids and call a service."""

from celery import shared_task

from courses.models import Course
from gradebook.standings import standings_refresh_batch, standings_refresh_batches, standings_refresh_stale


@shared_task(name="gradebook.refresh_stale_standings")
def refresh_stale_standings() -> int:
    """Refresh the standings a passing due date (or a changed quiz or due date) made stale, before an
    instructor's read has to: reads stay correct without it, this keeps them fast. It is also what finishes
    a class-wide refresh whose tasks a down broker never received."""
    return sum(standings_refresh_stale(course=course) for course in Course.objects.all())


@shared_task(name="gradebook.refresh_course_standings")
def refresh_course_standings(course_id: int) -> int:
    """Share a class-wide refresh out among the workers: one task per batch of stale students; returns how many
    batches. The first batch runs here (a class of one batch costs no second task)."""
    course = Course.objects.filter(pk=course_id).first()
    if course is None:
        return 0
    batches = standings_refresh_batches(course=course)
    for user_ids in batches[1:]:
        refresh_standings_batch.delay(course_id, user_ids)
    if batches:
        standings_refresh_batch(course=course, user_ids=batches[0])
    return len(batches)


@shared_task(name="gradebook.refresh_standings_batch")
def refresh_standings_batch(course_id: int, user_ids: list[int]) -> int:
    """Refresh one batch of a class (what is still stale of it: a redelivered batch does only what is left)."""
    course = Course.objects.filter(pk=course_id).first()
    return standings_refresh_batch(course=course, user_ids=user_ids) if course is not None else 0
