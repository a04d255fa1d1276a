"""Deciding who gets which reminder. Each sweep writes its decisions as Reminder rows.

Every sweep runs a number of queries that grows with batches and courses, not
with students: candidates come from one query per quiz or course, and the
decisions are written with bulk inserts that skip keys already decided, so
two sweeps running together decide each reminder once.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.selectors import never_activated_q
from courses.models import Course, Enrollment
from gradebook.selectors.activity import INACTIVE_AFTER, idle_since_annotation
from lessons.models import LessonProgress
from lessons.selectors import visible_to_students
from notifications.models import Notification
from quizzes.dates import quiz_dates_for_class
from quizzes.models import Attempt, Quiz
from reminders.models import NOTICE_KINDS, EmailOptOut, Kind, Reminder
from reminders.signals import student_summary_extras

INSERT_BATCH = 2000
INACTIVITY = INACTIVE_AFTER
# Overdue reminders only for quizzes that fell due recently: an old quiz does not start nagging.
OVERDUE_LOOKBACK = timedelta(days=7)
# An invitation not taken up is recalled at most twice, each time this long after the last e-mail.
INVITATION_REMINDER_AFTER = timedelta(days=2)
MAX_INVITATION_REMINDERS = 2
# No reminder or digest for an account that never came in (they could not follow its links): only invitations.
NEVER_ACTIVATED = never_activated_q("user__")


@dataclass
class Decisions:
    rows: list[Reminder] = field(default_factory=list)
    # None: every course (the real sweeps). A list of course ids: the sweeps look only at these courses (the
    # studio's « Ce qui partira » forecasts one course with the very same rules).
    course_ids: list[int] | None = None
    # The forecast runs the sweeps at many hours over data that do not change meanwhile (a dry run): it shares
    # one memo between its runs, so what a sweep reads that does not depend on the hour is read once. None (the
    # real sweeps, one hour each): read every time.
    memo: dict | None = None
    # With a memo: the latest hour the runs sharing it will ask for. A read of what `now` has reached (cards due,
    # quiet weeks ended) reads up to it once, and each run keeps what its own `now` has reached.
    horizon: datetime | None = None

    def once(self, key: tuple, read):
        """`read()`, or its result kept in the shared memo. Only for reads that do not depend on `now` (or read up
        to `reach(now)`)."""
        if self.memo is None:
            return read()
        if key not in self.memo:
            self.memo[key] = read()
        return self.memo[key]

    def reach(self, now: datetime) -> datetime:
        """How far a read of what `now` has reached goes: `now` itself, or the horizon of the shared memo."""
        return self.horizon if self.memo is not None and self.horizon is not None else now

    def in_scope(self, queryset, course_field: str = "pk"):
        return queryset if self.course_ids is None else queryset.filter(**{f"{course_field}__in": self.course_ids})

    def add(self, *, user_id: int, kind: str, object_key: str, window: str, context: dict) -> None:
        self.rows.append(Reminder(user_id=user_id, kind=kind, object_key=object_key, window=window, context=context))


def _not_yet_decided(kind: str, object_key, window) -> Exists:
    return Exists(
        Reminder.objects.filter(user_id=OuterRef("user_id"), kind=kind, object_key=object_key, window=window)
    )


def _opted_out(kind: str) -> Exists:
    return Exists(EmailOptOut.objects.filter(user_id=OuterRef("user_id"), kind=kind))


def _students_owing(quiz: Quiz, kind: str) -> list[int]:
    """The quiz's students who have not submitted it, could follow a link and did not opt out."""
    submitted = Attempt.objects.filter(quiz=quiz, user_id=OuterRef("user_id"), status=Attempt.Status.SUBMITTED, is_preview=False)
    return list(
        Enrollment.objects.filter(course_id=quiz.lesson.course_id, role=Enrollment.Role.STUDENT)
        .exclude(NEVER_ACTIVATED)
        .exclude(Exists(submitted))
        .exclude(_opted_out(kind))
        .values_list("user_id", flat=True)
    )


def _quiz_context(quiz: Quiz, due_at: datetime) -> dict:
    course = quiz.lesson.course
    return {
        "course": course.title,
        "quiz": quiz.lesson.title,
        "due_at": due_at.isoformat(),
        "url": reverse("courses:quizzes:start", kwargs={"course": course.slug, "lesson": quiz.lesson.slug}),
    }


def _quizzes_due_between(start: datetime, end: datetime, **filters):
    """Quizzes due in (start, end] for someone: by their own date, or by a student's or group's override."""
    due_between = Q(due_at__gt=start, due_at__lte=end) | Q(overrides__due_at__gt=start, overrides__due_at__lte=end)
    return (
        Quiz.objects.filter(due_between, visible_to_students("lesson__"), **filters)
        .distinct().select_related("lesson__course").order_by("pk")
    )


def _owing_with_dates(quiz: Quiz, kind: str, decisions: Decisions) -> list[tuple[int, object, set[str]]]:
    """(user id, their dates, windows already decided for them) for each student who owes the quiz: four queries."""

    def read():
        owing = _students_owing(quiz, kind)
        decided: dict[int, set[str]] = {}
        for user_id, window in Reminder.objects.filter(kind=kind, object_key=f"quiz:{quiz.pk}").values_list("user_id", "window"):
            decided.setdefault(user_id, set()).add(window)
        dates = quiz_dates_for_class(quizzes=[quiz], user_ids=owing)
        return [(user_id, dates[(quiz.pk, user_id)], decided.get(user_id, set())) for user_id in owing]

    return decisions.once(("owing", kind, quiz.pk), read)


def _window(name: str, *, quiz: Quiz, due_at: datetime) -> str:
    """The reminder's window; a student's own due date is part of it, so a date moved later reminds again."""
    return name if due_at == quiz.due_at else f"{name}@{due_at:%Y%m%dT%H%M}"


def sweep_due_soon(*, now: datetime, decisions: Decisions) -> None:
    """Students without a submitted attempt, at each of the course's reminder hours before their due date
    (their own, when an override or their group gives them one: `quizzes.dates`)."""
    longest = decisions.once(
        ("longest reminder",),
        lambda: max((max(course.due_reminder_hours) for course in Course.objects.only("reminder_hours_before_due")), default=48),
    )
    for quiz in decisions.in_scope(_quizzes_due_between(now, now + timedelta(hours=longest)), "lesson__course_id"):
        for user_id, dates, decided in _owing_with_dates(quiz, Kind.DUE_SOON, decisions):
            if dates.due_at is None or not now < dates.due_at:
                continue
            hours_left = (dates.due_at - now).total_seconds() / 3600
            due_windows = [h for h in quiz.lesson.course.due_reminder_hours if hours_left <= h]
            if not due_windows:
                continue
            if quiz.late_policy == Quiz.LatePolicy.REFUSE and not dates.is_open(now):
                continue
            window = _window(f"{min(due_windows)}h", quiz=quiz, due_at=dates.due_at)  # the closest threshold reached
            if window in decided:
                continue
            decisions.add(
                user_id=user_id, kind=Kind.DUE_SOON, object_key=f"quiz:{quiz.pk}", window=window,
                context=_quiz_context(quiz, dates.due_at),
            )


def sweep_overdue(*, now: datetime, decisions: Decisions) -> None:
    """Once per student and quiz, when their due date has passed and late work is still accepted."""
    overdue = _quizzes_due_between(now - OVERDUE_LOOKBACK, now, late_policy=Quiz.LatePolicy.ACCEPT)
    for quiz in decisions.in_scope(overdue, "lesson__course_id"):
        for user_id, dates, decided in _owing_with_dates(quiz, Kind.OVERDUE, decisions):
            if dates.due_at is None or not now - OVERDUE_LOOKBACK < dates.due_at <= now:
                continue
            window = _window("overdue", quiz=quiz, due_at=dates.due_at)
            if window in decided:
                continue
            decisions.add(
                user_id=user_id, kind=Kind.OVERDUE, object_key=f"quiz:{quiz.pk}", window=window,
                context=_quiz_context(quiz, dates.due_at),
            )


# The one rule for "last activity" (the gradebook flags the same students as inactive): the latest of
# a lesson read, an attempt started or submitted, an answer saved, a post, a login, or the enrolment.
last_activity_annotation = idle_since_annotation


def _courses(decisions: Decisions) -> list[Course]:
    return decisions.once(("courses",), lambda: list(decisions.in_scope(Course.objects.all())))


def _quiet_for_a_week(course, now: datetime, decisions: Decisions) -> list[tuple[int, datetime]]:
    """(user id, last activity) of the course's students idle for more than a week at `now` (who could follow a
    link and did not opt out). Read up to `decisions.reach(now)` (the forecast reads once for all its hours)."""
    idle = decisions.once(
        ("quiet for a week", course.pk),
        lambda: list(
            Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
            .exclude(NEVER_ACTIVATED)
            .annotate(last_activity=last_activity_annotation())
            .filter(last_activity__lt=decisions.reach(now) - INACTIVITY)
            .exclude(_opted_out(Kind.INACTIVITY))
            .order_by("pk")
            .values_list("user_id", "last_activity")
        ),
    )
    return [(user_id, last_activity) for user_id, last_activity in idle if last_activity < now - INACTIVITY]


def sweep_inactivity(*, now: datetime, decisions: Decisions) -> None:
    """A nudge to students with no activity for 7 days; once per quiet spell (the window is its start)."""
    for course in _courses(decisions):
        rows = _quiet_for_a_week(course, now, decisions)
        existing = decisions.once(
            ("inactivity decided", course.pk),
            lambda: set(
                Reminder.objects.filter(kind=Kind.INACTIVITY, object_key=f"course:{course.pk}").values_list("user_id", "window")
            ),
        )
        url = reverse("courses:detail", kwargs={"course": course.slug})
        for user_id, last_activity in rows:
            window = timezone.localtime(last_activity).date().isoformat()
            if (user_id, window) in existing:
                continue
            decisions.add(
                user_id=user_id, kind=Kind.INACTIVITY, object_key=f"course:{course.pk}", window=window,
                context={"course": course.title, "url": url, "since": window},
            )


def sweep_replies(*, now: datetime, decisions: Decisions) -> list[int]:
    """Batch reply notifications: at most one e-mail per reader and thread per hour.

    Returns the ids of the notifications the decisions cover; the caller marks
    them handed over in the same transaction. Notifications of a thread already
    e-mailed this hour wait for the next hour's sweep.
    """
    window = timezone.localtime(now).strftime("%Y-%m-%dT%H")
    pending = list(
        Notification.objects.filter(kind=Notification.Kind.REPLY, email_wanted=True, emailed_at__isnull=True)
        .exclude(Exists(EmailOptOut.objects.filter(user_id=OuterRef("user_id"), kind=Kind.REPLIES)))
        .order_by("created_at")
        .values("pk", "user_id", "subject_key", "title", "body", "url")
    )
    if not pending:
        return []
    # A rolling hour: an e-mail at 8:59 holds the next one for the same thread until 9:59. The window
    # (the hour) in the unique key settles two sweeps racing in the same hour.
    decided = set(
        Reminder.objects.filter(
            kind=Kind.REPLIES, created_at__gt=now - timedelta(hours=1), user_id__in={n["user_id"] for n in pending}
        ).values_list("user_id", "object_key")
    )
    grouped: dict[tuple[int, str], list[dict]] = {}
    for notification in pending:
        key = (notification["user_id"], notification["subject_key"])
        if key not in decided:
            grouped.setdefault(key, []).append(notification)
    covered = []
    for (user_id, subject_key), notes in grouped.items():
        decisions.add(
            user_id=user_id, kind=Kind.REPLIES, object_key=subject_key, window=window,
            context={"title": notes[-1]["title"], "url": notes[-1]["url"], "items": [n["body"] for n in notes][-10:], "count": len(notes)},
        )
        covered.extend(n["pk"] for n in notes)
    return covered


def sweep_notices(*, now: datetime, decisions: Decisions) -> list[int]:
    """One e-mail row per notice (an essay graded, a message hidden, own dates, a grade entered) not yet handed over.

    The person's preferences decide: a kind they turned off is not e-mailed (the notice stays in the app).
    Returns the notices covered; the caller marks them handed over in the same transaction. One query.
    """
    pending = list(
        Notification.objects.filter(kind__in=NOTICE_KINDS, email_wanted=True, emailed_at__isnull=True)
        .exclude(Exists(EmailOptOut.objects.filter(user_id=OuterRef("user_id"), kind=OuterRef("kind"))))
        .order_by("created_at")
        .values("pk", "user_id", "kind", "title", "body", "url")
    )
    for notice in pending:
        decisions.add(
            user_id=notice["user_id"], kind=notice["kind"], object_key=f"notification:{notice['pk']}", window="notice",
            context={"title": notice["title"], "body": notice["body"], "url": notice["url"]},
        )
    return [notice["pk"] for notice in pending]


# --- When each hourly rule can decide something new -----------------------------------------------------------
# Each hourly sweep above decides from `now` compared with dates held in the data. `<rule>_instants(start=, end=,
# decisions=)` returns the instants in (start, end] at which that comparison can first hold for someone: between two
# of them the sweep, run again, finds no new reminder. The studio's forecast (`reminders.forecast`) runs each sweep
# only at the first beat hour at or after each of its instants, instead of at every hour: the same rules, run less
# often. An instant too many costs one run; one missing would hide or delay a reminder, which the forecast's test
# (fast forecast == every rule run at every hour) is there to catch. A new time condition in a sweep needs its instants here.


def _quizzes_with_overrides(decisions: Decisions):
    """The visible quizzes in scope with their course and overrides: two queries."""
    quizzes = Quiz.objects.filter(visible_to_students("lesson__")).select_related("lesson__course").prefetch_related("overrides")
    return decisions.once(("quizzes with overrides",), lambda: list(decisions.in_scope(quizzes, "lesson__course_id")))


def _due_dates(quiz: Quiz) -> set[datetime]:
    """Every due date a student can have for the quiz: its own, or an override's (a group's or a student's)."""
    return {due_at for due_at in [quiz.due_at, *(override.due_at for override in quiz.overrides.all())] if due_at}


def due_soon_instants(*, start: datetime, end: datetime, decisions: Decisions) -> set[datetime]:
    """Each due date less each of the course's reminder hours (a closer window starts), and, for a quiz closed
    to late work, each opening (a quiz not yet open is not reminded)."""
    instants = set()
    for quiz in _quizzes_with_overrides(decisions):
        instants |= {due_at - timedelta(hours=h) for due_at in _due_dates(quiz) for h in quiz.lesson.course.due_reminder_hours}
        if quiz.late_policy == Quiz.LatePolicy.REFUSE:
            openings = [quiz.opens_at, *(override.opens_at for override in quiz.overrides.all())]
            instants |= {opens_at for opens_at in openings if opens_at}
    return {instant for instant in instants if start < instant <= end}


def overdue_instants(*, start: datetime, end: datetime, decisions: Decisions) -> set[datetime]:
    """Each due date (a student's date passes)."""
    instants = set()
    for quiz in _quizzes_with_overrides(decisions):
        if quiz.late_policy == Quiz.LatePolicy.ACCEPT:
            instants |= _due_dates(quiz)
    return {instant for instant in instants if start < instant <= end}


def inactivity_instants(*, start: datetime, end: datetime, decisions: Decisions) -> set[datetime]:
    """The moment each student's quiet week ends, from the sweep's own read (shared through the memo)."""
    instants = set()
    for course in _courses(decisions):
        # The sweep's test is strict (idle for more than a week): a week ending on the hour is seen the hour after.
        quiet = _quiet_for_a_week(course, end, decisions)
        instants |= {last_activity + INACTIVITY + timedelta(microseconds=1) for _user, last_activity in quiet}
    return {instant for instant in instants if start < instant <= end}


def write_decisions(decisions: Decisions) -> int:
    """Insert the decided reminders; a key another sweep already wrote is skipped by the database."""
    before = len(decisions.rows)
    Reminder.objects.bulk_create(decisions.rows, batch_size=INSERT_BATCH, ignore_conflicts=True)
    return before


def iso_week(now: datetime) -> str:
    year, week, _day = timezone.localtime(now).isocalendar()
    return f"{year}-W{week:02d}"


def sweep_student_summaries(*, now: datetime, decisions: Decisions) -> None:
    """Each student's week: lessons read, quizzes submitted, and what is due in the next 14 days."""
    window = iso_week(now)
    for course in decisions.in_scope(Course.objects.all()):
        lessons_total = course.lessons.filter(visible_to_students()).count()
        read = dict(
            LessonProgress.objects.filter(visible_to_students("lesson__"), lesson__course=course).values("user_id").annotate(n=Count("pk")).values_list("user_id", "n")
        )
        submitted: dict[int, set[int]] = {}
        for user_id, quiz_id in Attempt.objects.filter(
            quiz__lesson__course=course, status=Attempt.Status.SUBMITTED, is_preview=False
        ).values_list("user_id", "quiz_id").distinct():
            submitted.setdefault(user_id, set()).add(quiz_id)
        quizzes = list(Quiz.objects.filter(visible_to_students("lesson__"), lesson__course=course).select_related("lesson"))
        students = list(
            Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT)
            .exclude(NEVER_ACTIVATED)
            .exclude(_opted_out(Kind.STUDENT_SUMMARY))
            .exclude(_not_yet_decided(Kind.STUDENT_SUMMARY, f"course:{course.pk}", window))
            .values_list("user_id", flat=True)
        )
        # Each student's own due dates (`quizzes.dates`): an extended quiz shows on its new date.
        dates = quiz_dates_for_class(quizzes=quizzes, user_ids=students)

        def upcoming(user_id: int) -> list[dict]:
            due = [
                (dates[(quiz.pk, user_id)].due_at, quiz) for quiz in quizzes
                if dates[(quiz.pk, user_id)].due_at and now < dates[(quiz.pk, user_id)].due_at <= now + timedelta(days=14)
            ]
            return [
                {"id": quiz.pk, "quiz": quiz.lesson.title, "due_at": due_at.isoformat()}
                for due_at, quiz in sorted(due, key=lambda pair: (pair[0], pair[1].pk))
            ]
        url = reverse("courses:progress", kwargs={"course": course.slug})
        extras = student_summary_extras(course=course, now=now)  # the apps above: reviews due
        for user_id in students:
            done = submitted.get(user_id, set())
            decisions.add(
                user_id=user_id, kind=Kind.STUDENT_SUMMARY, object_key=f"course:{course.pk}", window=window,
                context={
                    "course": course.title, "url": url, "lessons_read": read.get(user_id, 0), "lessons_total": lessons_total,
                    "quizzes_submitted": len(done), "due": [q for q in upcoming(user_id) if q["id"] not in done],
                    **extras.get(user_id, {}),
                },
            )


def sweep_instructor_digests(*, now: datetime, decisions: Decisions, digest_builder) -> None:
    """The week of each course for its instructors; `digest_builder(course, now)` returns the content."""
    window = iso_week(now)
    for course in decisions.in_scope(Course.objects.all()):
        instructors = list(
            Enrollment.objects.filter(course=course, role=Enrollment.Role.INSTRUCTOR)
            .exclude(NEVER_ACTIVATED)
            .exclude(_opted_out(Kind.INSTRUCTOR_DIGEST))
            .exclude(_not_yet_decided(Kind.INSTRUCTOR_DIGEST, f"course:{course.pk}", window))
            .values_list("user_id", flat=True)
        )
        if not instructors:
            continue
        context = digest_builder(course, now)
        for user_id in instructors:
            decisions.add(user_id=user_id, kind=Kind.INSTRUCTOR_DIGEST, object_key=f"course:{course.pk}", window=window, context=context)


def invitation_context(invitation: Invitation) -> dict:
    """What an invitation e-mail names; the link itself is made when the e-mail is built, never stored."""
    inviter = invitation.invited_by
    return {"course": invitation.course_title, "inviter": inviter.display_name if inviter else ""}


def sweep_invitation_reminders(*, now: datetime, decisions: Decisions) -> None:
    """Open invitations not taken up: a reminder 2 days after the invitation, another 2 days later, no more.

    Counted per account (object "account:<id>"), so an instructor's resend does not restart the count;
    the opt-out of invitation reminders is honoured. Two queries whatever the number of invitations.
    """
    invitations = list(
        Invitation.objects.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now, created_at__lte=now - INVITATION_REMINDER_AFTER,
        )
        .filter(NEVER_ACTIVATED)
        .exclude(_opted_out(Kind.INVITATION_REMINDER))
        .select_related("invited_by")
    )
    if not invitations:
        return
    earlier: dict[int, list[datetime]] = {}
    for user_id, context in Reminder.objects.filter(
        kind=Kind.INVITATION_REMINDER, user_id__in={i.user_id for i in invitations}
    ).values_list("user_id", "context"):
        earlier.setdefault(user_id, []).append(datetime.fromisoformat(context["decided_at"]))
    for invitation in invitations:
        sent = earlier.get(invitation.user_id, [])
        if len(sent) >= MAX_INVITATION_REMINDERS or (sent and max(sent) > now - INVITATION_REMINDER_AFTER):
            continue
        # The window is the reminder's number: two sweeps racing decide the first (or second) once.
        decisions.add(
            user_id=invitation.user_id, kind=Kind.INVITATION_REMINDER, object_key=f"account:{invitation.user_id}",
            window=str(len(sent) + 1), context={**invitation_context(invitation), "decided_at": now.isoformat()},
        )
