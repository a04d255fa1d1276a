"""The daily "reviews to do" nudge, decided in the reminder outbox (reminders app) by its hourly sweep.

Two queries whatever the number of students or cards: the courses' caps, then
the due cards counted per student, course and due time (summed per student and course here), less the students who opted
out, were already nudged today or already got a quiz reminder e-mail today
(at most one e-mail a day: a nudge decided with a pending quiz reminder rides
in the same e-mail, see reminders.services).
"""

from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from courses.models import Enrollment
from reminders.models import EmailOptOut, Kind, Reminder
from review.models import ReviewSettings
from review.selectors import DEFAULT_DAILY_CAP, cards_in_deck, day_start

# Nudges go out from this local hour on, never in the night's sweeps.
NUDGE_HOUR = 7
OBJECT_KEY = "reviews"
QUIZ_KINDS = (Kind.DUE_SOON, Kind.OVERDUE)


def sweep_review_nudges(*, now: datetime, decisions) -> None:
    local = timezone.localtime(now)
    if local.hour < NUDGE_HOUR:
        return
    window = local.date().isoformat()
    user = OuterRef("user_id")
    caps = decisions.once(("review caps",), lambda: dict(ReviewSettings.objects.values_list("course_id", "daily_cap")))
    cards = decisions.once(("review nudge cards", window), lambda: list(
        cards_in_deck()
        .filter(due__lte=decisions.reach(now))  # the forecast reads its whole day's horizon once
        .filter(Exists(Enrollment.objects.filter(user_id=user, course_id=OuterRef("course_id"), role=Enrollment.Role.STUDENT)))
        .exclude(Exists(EmailOptOut.objects.filter(user_id=user, kind=Kind.REVIEWS)))
        .exclude(Exists(Reminder.objects.filter(user_id=user, kind=Kind.REVIEWS, object_key=OBJECT_KEY, window=window)))
        .exclude(
            Exists(
                Reminder.objects.filter(
                    user_id=user, kind__in=QUIZ_KINDS, status=Reminder.Status.SENT, sent_at__gte=day_start(now)
                )
            )
        )
        .values("user_id", "course_id", "course__title", "course__slug", "due")
        .annotate(n=Count("pk"))
        .order_by("user_id", "course__title", "course_id")
    ))
    rows: dict[tuple[int, int], dict] = {}  # the cards due at `now`, counted per student and course
    for card in cards:
        if card["due"] <= now:
            row = rows.setdefault((card["user_id"], card["course_id"]), {**card, "n": 0})
            row["n"] += card["n"]
    urls: dict[str, str] = {}  # one per course, not per student
    by_user: dict[int, list[dict]] = {}
    for row in rows.values():
        count = min(row["n"], caps.get(row["course_id"], DEFAULT_DAILY_CAP))
        slug = row["course__slug"]
        if slug not in urls:
            urls[slug] = reverse("courses:review:index", kwargs={"course": slug})
        by_user.setdefault(row["user_id"], []).append({"course": row["course__title"], "count": count, "url": urls[slug]})
    for user_id, courses in by_user.items():
        decisions.add(
            user_id=user_id, kind=Kind.REVIEWS, object_key=OBJECT_KEY, window=window,
            context={"courses": courses, "count": sum(c["count"] for c in courses), "course": courses[0]["course"]},
        )


def review_nudge_instants(*, start: datetime, end: datetime, decisions) -> set[datetime]:
    """When the nudge sweep can decide something new (`reminders.sweeps`, « When each hourly rule… »): each day's
    first nudge hour (a new day's window), and each student's first card falling due that day (their later cards
    that day make no new nudge). One query.

    The sweep looks at every course (one nudge for all of a student's courses), so the cards are those of the
    students of the courses in scope, in any course."""
    instants = set()
    day = timezone.localtime(start).replace(hour=NUDGE_HOUR, minute=0, second=0, microsecond=0)
    while day <= end:
        instants.add(day)
        day = timezone.localtime(day + timedelta(days=1)).replace(hour=NUDGE_HOUR)  # the same local hour across a DST change
    students = Enrollment.objects.filter(role=Enrollment.Role.STUDENT)
    if decisions.course_ids is not None:
        students = students.filter(course_id__in=decisions.course_ids)
    first_due: dict[tuple[int, object], datetime] = {}
    cards = cards_in_deck().filter(due__gt=start, due__lte=end, user_id__in=students.values("user_id"))
    for user_id, due in cards.values_list("user_id", "due"):
        key = (user_id, timezone.localtime(due).date())
        first_due[key] = min(due, first_due.get(key, due))
    instants |= set(first_due.values())
    return {instant for instant in instants if start < instant <= end}
