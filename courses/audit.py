"""The one audit API of the site: every app records what staff changed in a course here, with a typed action.

`audit_record` writes one `AuditEntry` in the caller's transaction (it commits or rolls back with the change
it records); `audit_trail` and `audit_about` read them.
"""

import datetime as dt
from decimal import Decimal

from django.db.models import QuerySet

from courses.models import AuditEntry, Course

Action = AuditEntry.Action


def _jsonable(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def audit_record(
    *, course: Course | None = None, course_id: int | None = None, actor=None, action: Action, target: str = "", subject=None,
    changes: dict | None = None, reason: str = "",
) -> AuditEntry:
    """One line of the trail; `course_id` serves a caller that holds only the id (a task, a beat job)."""
    if action not in Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    return AuditEntry.objects.create(
        course_id=course.pk if course is not None else course_id, actor=actor, action=action, target=str(target)[:300], subject=subject,
        changes={key: _jsonable(value) for key, value in (changes or {}).items()}, reason=reason,
    )


def audit_trail(*, course: Course, actions: list[str] | None = None) -> QuerySet[AuditEntry]:
    """The course's entries, newest first, with their actor (slice it: the page shows the latest)."""
    entries = AuditEntry.objects.filter(course=course).select_related("actor")
    return entries.filter(action__in=actions) if actions is not None else entries


def audit_about(*, course: Course, subject, actions: list[str] | None = None) -> QuerySet[AuditEntry]:
    """The entries about one person in the course (their overrides, their enrolment), newest first."""
    return audit_trail(course=course, actions=actions).filter(subject=subject)
