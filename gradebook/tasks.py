"""Celery tasks of the gradebook: they take no object and call a service."""

from celery import shared_task

from courses.models import Course
from gradebook.standings import standings_refresh_stale


@shared_task(name="gradebook.refresh_stale_standings")
def refresh_stale_standings() -> int:
    """Refresh the standings a passing due date (or a changed quiz or due date) made stale, before an
    instructor's read has to: reads stay correct without it, this keeps them fast."""
    return sum(standings_refresh_stale(course=course) for course in Course.objects.all())
