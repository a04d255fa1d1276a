"""« Ce qui partira »: the reminders and digests the coming days will send for a course.

Not a second copy of the rules: the forecast runs the sweeps themselves (`services.hourly_decisions`, and
`services.weekly_decisions` at the beat's Monday hour) for each coming hour, limited to the course, in
dry-run (nothing written). A reminder a sweep would decide at one hour is not decided again at the next
(the outbox's unique key), so the forecast keeps the first hour of each key. It assumes nothing else
happens meanwhile: a student who submits the quiz will not get its reminder.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from reminders.models import Kind
from reminders.schedule import ENTRIES
from reminders.services import hourly_decisions, weekly_decisions
from reminders.sweeps import Decisions

FORECAST_DAYS = 7


@dataclass(frozen=True)
class UpcomingReminder:
    at: datetime
    user: object
    kind: str
    object_key: str
    window: str
    context: dict

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def about(self) -> str:
        """What the e-mail is about, as the page shows it: the quiz, or the course."""
        return self.context.get("quiz") or self.context.get("course") or ""


def _weekly_slot() -> tuple[int, int]:
    """(Python weekday, local hour) of the weekly digests, from the beat's default schedule."""
    crontab = next(crontab for _name, task, crontab, _minutes in ENTRIES if task == "reminders.weekly_digests")
    return (int(crontab["day_of_week"]) - 1) % 7, int(crontab["hour"])


def _digest_outline(course, now) -> dict:
    # Who gets the digest and when are the sweep's; its figures are computed when it is sent.
    return {"course": course.title}


def _about_course(row, course, review_url: str) -> bool:
    """The review nudge is one e-mail for all of a student's courses: keep it if this course is in it."""
    if row.kind != Kind.REVIEWS:
        return True
    return any(entry.get("url") == review_url for entry in row.context.get("courses", []))


def reminders_forecast(*, course, now: datetime | None = None, days: int = FORECAST_DAYS) -> list[UpcomingReminder]:
    """Who will get what, and when, for this course in the next `days` days, in the order it will go out."""
    now = now or timezone.now()
    first_sweep = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    weekday, hour = _weekly_slot()
    review_url = reverse("courses:review:index", kwargs={"course": course.slug})
    seen: set[tuple] = set()
    found: list[tuple[datetime, object]] = []
    for step in range(days * 24):
        at = first_sweep + timedelta(hours=step)
        decisions = Decisions(course_ids=[course.pk])
        hourly_decisions(now=at, decisions=decisions)
        local = timezone.localtime(at)
        if local.weekday() == weekday and local.hour == hour:
            weekly_decisions(now=at, decisions=decisions, digest_builder=_digest_outline)
        for row in decisions.rows:
            key = (row.user_id, row.kind, row.object_key, row.window)
            if key not in seen and _about_course(row, course, review_url):
                seen.add(key)
                found.append((at, row))
    users = get_user_model().objects.in_bulk({row.user_id for _at, row in found})
    return [
        UpcomingReminder(at=at, user=users[row.user_id], kind=row.kind, object_key=row.object_key, window=row.window, context=row.context)
        for at, row in found
        if row.user_id in users
    ]
