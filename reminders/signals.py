"""What the apps above `reminders` add to its sweeps, feeds and e-mails, without `reminders` importing them.

The spaced review (review app) sits above reminders: it decides its daily nudge in the reminder outbox
and lists its due reviews in the calendar, the weekly summary and the digest. It connects receivers to
these signals in its `ready()`; reminders asks through the functions below. Each is synchronous, in the
caller's transaction.
"""

from datetime import datetime

from django.dispatch import Signal

from courses.signals import answers_merged

# kwargs: now, decisions (a sweeps.Decisions to add Reminder rows to). Receivers return nothing.
sweep_requested = Signal()
# kwargs: start, end, decisions. A receiver returns the instants in (start, end] at which its sweep can decide
# something new (see `reminders.sweeps`, « When each hourly rule can decide something new »).
sweep_instants_requested = Signal()
# kwargs: user, now. A receiver returns a list of {"uid", "summary", "start", "end", "url"} all-day or timed events.
calendar_events_requested = Signal()
# kwargs: course, now. A receiver returns {user_id: {context key: value}} to merge into each student's weekly summary.
student_summary_requested = Signal()
# kwargs: course, now. A receiver returns {context key: value} to merge into the instructors' weekly digest.
instructor_digest_requested = Signal()


def sweep_registered(*, now: datetime, decisions) -> None:
    """Let the apps above decide their reminders in the same sweep (the review nudge)."""
    sweep_requested.send(sender=None, now=now, decisions=decisions)


def registered_instants(*, start: datetime, end: datetime, decisions) -> set[datetime]:
    """When the apps' sweeps (`sweep_registered`) can decide something new: their receivers' instants."""
    return {
        instant
        for _receiver, instants in sweep_instants_requested.send(sender=None, start=start, end=end, decisions=decisions)
        for instant in instants or ()
    }


def calendar_events(*, user, now: datetime) -> list[dict]:
    return [event for _receiver, events in calendar_events_requested.send(sender=None, user=user, now=now) for event in events or []]


def student_summary_extras(*, course, now: datetime) -> dict[int, dict]:
    merged: dict[int, dict] = {}
    for _receiver, by_user in student_summary_requested.send(sender=None, course=course, now=now):
        for user_id, extra in (by_user or {}).items():
            merged.setdefault(user_id, {}).update(extra)
    return merged


def instructor_digest_extras(*, course, now: datetime) -> dict:
    return answers_merged(instructor_digest_requested, course=course, now=now)
