"""« Ce qui partira »: the reminders and digests the coming days will send for a course.

Not a second copy of the rules: the forecast runs the sweeps themselves (each rule of
`services.HOURLY_RULES`, and `services.weekly_decisions` at the beat's Monday hour), limited to the course,
in dry-run (nothing written). A reminder a sweep would decide at one hour is not decided again at the next
(the outbox's unique key), so the forecast keeps the first hour of each key. It assumes nothing else
happens meanwhile: a student who submits the quiz will not get its reminder.

Running every rule at each of the 168 coming hours cost some 1,400 queries. Between two instants at which
a rule can decide something new (its `*_instants`, next to the rule), running it again finds only keys
already seen, so each rule runs at the first coming hour and at the beat hours following its instants.
The runs share a memo (`Decisions.once`): what a sweep reads that does not depend on the hour is read once,
and what grows with the hour (quiet weeks ended, cards due) is read once up to the last hour
(`Decisions.reach`), each run keeping what its own hour has reached. A few dozen queries, whatever the
class size.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from reminders.models import Kind
from reminders.schedule import ENTRIES
from reminders.services import HOURLY_RULES, weekly_decisions
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


def _beat_hour(instant: datetime) -> datetime:
    """The first hourly sweep at or after `instant` (the beat runs the sweep on the hour)."""
    hour = instant.replace(minute=0, second=0, microsecond=0)
    return hour if hour == instant else hour + timedelta(hours=1)


def reminders_forecast(*, course, now: datetime | None = None, days: int = FORECAST_DAYS) -> list[UpcomingReminder]:
    """Who will get what, and when, for this course in the next `days` days, in the order it will go out."""
    now = now or timezone.now()
    first_sweep = now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    last_sweep = first_sweep + timedelta(hours=days * 24 - 1)
    weekday, hour = _weekly_slot()
    review_url = reverse("courses:review:index", kwargs={"course": course.slug})
    # (hour, rule's rank, decisions): the order the real sweeps would decide them in, hour by hour.
    runs: list[tuple[datetime, int, Decisions]] = []
    memo: dict = {}  # nothing changes meanwhile: what does not depend on the hour is read once (`Decisions.once`)
    for rank, (sweep, instants) in enumerate(HOURLY_RULES):
        scope = Decisions(course_ids=[course.pk], memo=memo, horizon=last_sweep)
        hours = {first_sweep} | {_beat_hour(at) for at in instants(start=first_sweep, end=last_sweep, decisions=scope)}
        for at in sorted(at for at in hours if at <= last_sweep):
            decisions = Decisions(course_ids=[course.pk], memo=memo, horizon=last_sweep)
            sweep(now=at, decisions=decisions)
            runs.append((at, rank, decisions))
    for step in range(days * 24):
        at = first_sweep + timedelta(hours=step)
        local = timezone.localtime(at)
        if local.weekday() == weekday and local.hour == hour:
            decisions = Decisions(course_ids=[course.pk])
            weekly_decisions(now=at, decisions=decisions, digest_builder=_digest_outline)
            runs.append((at, len(HOURLY_RULES), decisions))
    seen: set[tuple] = set()
    found: list[tuple[datetime, object]] = []
    for at, _rank, decisions in sorted(runs, key=lambda run: run[:2]):
        for row in decisions.rows:
            key = (row.user_id, row.kind, row.object_key, row.window)
            if key in seen:
                continue
            # Decided once, whatever it holds: a review nudge first decided without this course will not bring it.
            seen.add(key)
            if _about_course(row, course, review_url):
                found.append((at, row))
    users = get_user_model().objects.in_bulk({row.user_id for _at, row in found})
    return [
        UpcomingReminder(at=at, user=users[row.user_id], kind=row.kind, object_key=row.object_key, window=row.window, context=row.context)
        for at, row in found
        if row.user_id in users
    ]
