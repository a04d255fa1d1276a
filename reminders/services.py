"""Writes about reminders: the sweeps that decide them, the sender that delivers them, and opt-outs."""

import smtplib
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coursesite.broker import task_publish_quietly
from coursesite.outbox import Outbox, outbox_send_each
from notifications.models import Notification
from reminders.signals import registered_instants, sweep_registered
from reminders.digest import instructor_digest_content
from reminders.emails import build_message
from reminders.models import EmailOptOut, Kind, Reminder
from reminders.sweeps import (
    Decisions,
    due_soon_instants,
    inactivity_instants,
    overdue_instants,
    sweep_due_soon,
    sweep_inactivity,
    sweep_notices,
    sweep_instructor_digests,
    invitation_context,
    sweep_invitation_reminders,
    sweep_overdue,
    sweep_replies,
    sweep_student_summaries,
    write_decisions,
)

MAX_DELIVERY_ATTEMPTS = 5


@dataclass
class SweepReport:
    decided: list[Reminder] = field(default_factory=list)

    def by_kind(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for reminder in self.decided:
            counts[reminder.kind] = counts.get(reminder.kind, 0) + 1
        return counts


def _queue_sending() -> None:
    """Ask a worker to send now; if the broker is down the rows wait for the next beat-driven send."""
    from reminders.tasks import send_pending_reminders

    task_publish_quietly(send_pending_reminders)


# The hourly rules decided from dates and activity, in the order the sweep runs them, each with the instants at
# which it can decide something new (`reminders.sweeps`). The sweep runs every rule every hour; the studio's
# forecast (`reminders.forecast`) runs each rule at its own instants only: one list, so they cannot disagree.
HOURLY_RULES = (
    (sweep_due_soon, due_soon_instants),
    (sweep_overdue, overdue_instants),
    (sweep_inactivity, inactivity_instants),
    (sweep_registered, registered_instants),  # the apps above: the daily review nudge
)


def hourly_decisions(*, now, decisions: Decisions) -> None:
    """What each hourly sweep decides from dates and activity: quizzes due soon or overdue, inactivity, and
    what the apps above add (the daily review nudge)."""
    for sweep, _instants in HOURLY_RULES:
        sweep(now=now, decisions=decisions)


def weekly_decisions(*, now, decisions: Decisions, digest_builder=instructor_digest_content) -> None:
    """Monday's decisions: each instructor's digest and each student's summary (shared with the forecast)."""
    sweep_instructor_digests(now=now, decisions=decisions, digest_builder=digest_builder)
    sweep_student_summaries(now=now, decisions=decisions)


@transaction.atomic
def reminder_sweep(*, now=None, dry_run: bool = False) -> SweepReport:
    """The hourly sweep: quizzes due soon, overdue quizzes, inactivity, batched replies."""
    now = now or timezone.now()
    decisions = Decisions()
    hourly_decisions(now=now, decisions=decisions)
    covered = sweep_replies(now=now, decisions=decisions) + sweep_notices(now=now, decisions=decisions)
    sweep_invitation_reminders(now=now, decisions=decisions)
    if dry_run:
        return SweepReport(decided=decisions.rows)
    write_decisions(decisions)
    if covered:
        Notification.objects.filter(pk__in=covered).update(emailed_at=now)
    transaction.on_commit(_queue_sending)
    return SweepReport(decided=decisions.rows)


@transaction.atomic
def reply_emails_sweep(*, now=None, queue_sending: bool = True) -> SweepReport:
    """Only the notices' e-mails (replies batched, other notices one by one): run right after a notice, and by
    every frequent sender run.

    So followers hear of a reply within minutes even when the request could not publish its task
    (broker down): the next sender run, every 5 minutes, batches it, not the next hourly sweep.
    """
    now = now or timezone.now()
    decisions = Decisions()
    covered = sweep_replies(now=now, decisions=decisions) + sweep_notices(now=now, decisions=decisions)
    write_decisions(decisions)
    if covered:
        Notification.objects.filter(pk__in=covered).update(emailed_at=now)
        if queue_sending:
            transaction.on_commit(_queue_sending)
    return SweepReport(decided=decisions.rows)


@transaction.atomic
def weekly_digests(*, now=None, dry_run: bool = False) -> SweepReport:
    """Monday morning: each instructor's digest and each student's summary."""
    now = now or timezone.now()
    decisions = Decisions()
    weekly_decisions(now=now, decisions=decisions)
    if not dry_run:
        write_decisions(decisions)
        transaction.on_commit(_queue_sending)
    return SweepReport(decided=decisions.rows)


@transaction.atomic
def invitation_emails_decide(*, invitations) -> SweepReport:
    """One invitation e-mail per invitation, decided once under the outbox's unique key, sent after the commit.

    The link is not stored: the e-mail is built at sending time with the account's open invitation.
    """
    decisions = Decisions()
    for invitation in invitations:
        decisions.add(
            user_id=invitation.user_id, kind=Kind.INVITATION, object_key=f"invitation:{invitation.pk}", window="sent",
            context=invitation_context(invitation),
        )
    write_decisions(decisions)
    transaction.on_commit(_queue_sending)
    return SweepReport(decided=decisions.rows)


@transaction.atomic
def reminders_pending_text_replace(*, replacements: list[tuple[int, str, str, str]]) -> int:
    """In reply e-mails decided but not sent, replace a quoted text: (user id, thread key, old text, new text).

    Called when a post is hidden or removed: its text must not go out in an e-mail afterwards.
    """
    if not replacements:
        return 0
    by_key = {}
    for user_id, object_key, old, new in replacements:
        by_key.setdefault((user_id, object_key), {})[old] = new
    rows = Reminder.objects.select_for_update().filter(
        kind=Kind.REPLIES, status=Reminder.Status.PENDING,
        user_id__in={user_id for user_id, _key in by_key}, object_key__in={key for _user, key in by_key},
    )
    changed = []
    for row in rows:
        texts = by_key.get((row.user_id, row.object_key))
        items = row.context.get("items", [])
        if texts and any(item in texts for item in items):
            row.context = {**row.context, "items": [texts.get(item, item) for item in items]}
            changed.append(row)
    Reminder.objects.bulk_update(changed, ["context"])
    return len(changed)


def reminders_send_pending(*, now=None, budget: float | None = None) -> int:
    """Send the ready reminders, one e-mail per transaction; returns the number of e-mails sent.

    Each e-mail is claimed (its rows locked, other senders skip them), sent, and marked sent in its
    own transaction (`coursesite.outbox`): a crash costs at most the e-mail in flight, sent again
    once with the same Message-ID. A run that spends its time budget queues the next one at once.
    """
    connection = get_connection()
    report = None
    try:
        report = outbox_send_each(_reminder_outbox(connection), now=now, budget=budget)
    finally:
        # After a time limit or a stalled server, a polite QUIT could hang as long as the server does.
        _smtp_close(connection, polite=report is not None and report.stopped not in ("time limit", "outage"))
    if report.more_to_do:
        _queue_sending()
    return report.sent


@dataclass
class _Email:
    user: object
    kind: str
    rows: list[Reminder]


def _email_groups(rows: list[Reminder], opted_out: set) -> list[tuple[tuple[int, str], list[Reminder]]]:
    """One e-mail per person and kind; a review nudge joins the same person's quiz reminder, if any.

    So a day with a quiz reminder and reviews to do brings one e-mail, not two.
    """
    groups = [((user_id, kind), list(group)) for (user_id, kind), group in groupby(rows, key=lambda r: (r.user_id, r.kind))]
    quiz_groups = {}
    for (user_id, kind), group in groups:
        if kind in (Kind.DUE_SOON, Kind.OVERDUE) and (user_id, kind) not in opted_out:
            quiz_groups.setdefault(user_id, group)
    result = []
    for (user_id, kind), group in groups:
        if kind == Kind.REVIEWS and user_id in quiz_groups:
            quiz_groups[user_id].extend(group)
            continue
        result.append(((user_id, kind), group))
    return result


CLAIM_PAGE = 100


class _EmailClaimer:
    """Claims the next e-mail: one person's ready rows of one kind, locked (other senders skip them).

    The people to serve are read a page at a time (one sorted query per 100 people, not per
    e-mail), then each person's rows are locked in the e-mail's own transaction. Rows nobody may
    receive are marked skipped there: opt-outs made after the decision are respected, and a review
    nudge riding in a quiz e-mail keeps its own.
    """

    def __init__(self):
        self.page: list[int] = []
        self.exhausted = False

    def __call__(self, now) -> _Email | None:
        while True:
            if not self.page:
                if self.exhausted:
                    return None
                self.page = list(
                    Reminder.objects.filter(status=Reminder.Status.PENDING).exclude(next_attempt_at__gt=now)
                    .order_by("user_id").values_list("user_id", flat=True).distinct()[:CLAIM_PAGE]
                )
                self.exhausted = len(self.page) < CLAIM_PAGE
                if not self.page:
                    return None
            email = self._claim_for(self.page[0], now)
            if email is not None:
                return email  # the same person comes first again: they may have mail of another kind
            self.page.pop(0)

    @staticmethod
    def _claim_for(user_id: int, now) -> _Email | None:
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",)).select_related("user")
            .filter(user_id=user_id, status=Reminder.Status.PENDING).exclude(next_attempt_at__gt=now)
            .order_by("kind", "pk")
        )
        if not rows:
            return None
        opted_out = set(EmailOptOut.objects.filter(user_id=user_id).values_list("user_id", "kind"))
        skipped, email = [], None
        for (_user_id, kind), group in _email_groups(rows, opted_out):
            user = group[0].user
            if (user_id, kind) in opted_out or not user.email or not user.is_active:
                skipped.extend(group)
                continue
            skipped.extend(r for r in group if (user_id, r.kind) in opted_out)
            email = _Email(user=user, kind=kind, rows=[r for r in group if (user_id, r.kind) not in opted_out])
            break
        if skipped:
            Reminder.objects.filter(pk__in=[r.pk for r in skipped]).update(status=Reminder.Status.SKIPPED)
        return email


def _mark_sent(email: _Email, now) -> None:
    Reminder.objects.filter(pk__in=[r.pk for r in email.rows]).update(
        status=Reminder.Status.SENT, sent_at=now, attempts=F("attempts") + 1
    )


def _mark_failed(email: _Email, exc: Exception, now) -> None:
    """Retried after 2, 4, 8 and 16 minutes; after the fifth failure the row is failed and shows in the admin."""
    for reminder in email.rows:
        reminder.attempts += 1
        reminder.last_error = f"{type(exc).__name__}: {exc}"[:1000]
        if reminder.attempts >= MAX_DELIVERY_ATTEMPTS:
            reminder.status, reminder.next_attempt_at = Reminder.Status.FAILED, None
        else:
            reminder.next_attempt_at = now + timedelta(minutes=2**reminder.attempts)
    Reminder.objects.bulk_update(email.rows, ["status", "attempts", "next_attempt_at", "last_error"])


def _smtp_unreachable(exc: Exception) -> bool:
    """A refused, dropped or stalled connection (not a refusal of this one message): stop the run."""
    if isinstance(exc, (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError)):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)


def _smtp_close(connection, *, polite: bool) -> None:
    if not polite:
        # Close the socket without a QUIT the server may never answer.
        smtp = getattr(connection, "connection", None)
        if smtp is not None:
            smtp.close()
            connection.connection = None
        return
    try:
        connection.close()
    except OSError:
        pass


def _reminder_outbox(connection) -> Outbox:
    def send(email: _Email) -> None:
        message = build_message(user=email.user, kind=email.kind, reminders=email.rows)
        try:
            connection.open()  # once: later calls find it open
            connection.send_messages([message])
        except Exception:
            # The connection may be half-dead: the next message opens a fresh one.
            _smtp_close(connection, polite=False)
            raise

    return Outbox(
        name="reminders", claim=_EmailClaimer(), send=send, mark_sent=_mark_sent, mark_failed=_mark_failed,
        is_outage=_smtp_unreachable,
    )


def email_opt_out_set(*, user, kind: str, opted_out: bool) -> bool:
    """Opt out of (or back into) a kind of reminder; returns True when it changed something."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    if opted_out:
        _row, created = EmailOptOut.objects.get_or_create(user=user, kind=kind)
        return created
    deleted, _rows = EmailOptOut.objects.filter(user=user, kind=kind).delete()
    return bool(deleted)
