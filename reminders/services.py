"""Writes about reminders: the sweeps that decide them, the sender that delivers them, and opt-outs."""

from dataclasses import dataclass, field
from datetime import timedelta
from itertools import groupby

from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from coursesite.broker import task_publish_quietly
from notifications.models import Notification
from reminders.signals import sweep_registered
from reminders.digest import instructor_digest_content
from reminders.emails import build_message
from reminders.models import EmailOptOut, Kind, Reminder
from reminders.sweeps import (
    Decisions,
    sweep_due_soon,
    sweep_inactivity,
    sweep_instructor_digests,
    sweep_overdue,
    sweep_replies,
    sweep_student_summaries,
    write_decisions,
)

MAX_DELIVERY_ATTEMPTS = 5
SEND_BATCH = 2000


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


@transaction.atomic
def reminder_sweep(*, now=None, dry_run: bool = False) -> SweepReport:
    """The hourly sweep: quizzes due soon, overdue quizzes, inactivity, batched replies."""
    now = now or timezone.now()
    decisions = Decisions()
    sweep_due_soon(now=now, decisions=decisions)
    sweep_overdue(now=now, decisions=decisions)
    sweep_inactivity(now=now, decisions=decisions)
    covered = sweep_replies(now=now, decisions=decisions)
    sweep_registered(now=now, decisions=decisions)  # the apps above: the daily review nudge
    if dry_run:
        return SweepReport(decided=decisions.rows)
    write_decisions(decisions)
    if covered:
        Notification.objects.filter(pk__in=covered).update(emailed_at=now)
    transaction.on_commit(_queue_sending)
    return SweepReport(decided=decisions.rows)


@transaction.atomic
def reply_emails_sweep(*, now=None) -> SweepReport:
    """Only the reply batching, run right after a reply so followers hear of it within minutes."""
    now = now or timezone.now()
    decisions = Decisions()
    covered = sweep_replies(now=now, decisions=decisions)
    write_decisions(decisions)
    if covered:
        Notification.objects.filter(pk__in=covered).update(emailed_at=now)
        transaction.on_commit(_queue_sending)
    return SweepReport(decided=decisions.rows)


@transaction.atomic
def weekly_digests(*, now=None, dry_run: bool = False) -> SweepReport:
    """Monday morning: each instructor's digest and each student's summary."""
    now = now or timezone.now()
    decisions = Decisions()
    sweep_instructor_digests(now=now, decisions=decisions, digest_builder=instructor_digest_content)
    sweep_student_summaries(now=now, decisions=decisions)
    if not dry_run:
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


def reminders_send_pending(*, now=None) -> int:
    """Send every ready reminder, batch after batch; returns the number of e-mails sent."""
    total = 0
    while True:
        processed, sent = _send_batch(now=now or timezone.now())
        total += sent
        if processed == 0:
            return total


def _email_groups(rows: list[Reminder], opted_out: set) -> list[tuple[tuple[int, str], list[Reminder]]]:
    """One e-mail per person and kind; a review nudge joins the same person's quiz reminder, if any in the batch.

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


def _send_batch(*, now, limit: int = SEND_BATCH) -> tuple[int, int]:
    """Send up to `limit` pending reminders, one e-mail per person and kind; returns (rows handled, e-mails sent).

    Rows are locked (other senders skip them) and marked in the transaction
    that sends them. A failed send is retried with exponential backoff
    (2, 4, 8, 16 minutes); after the fifth failure the row is marked failed
    and shows in the admin. Opt-outs made after the decision are respected.
    """
    sent = 0
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(status=Reminder.Status.PENDING)
            .exclude(next_attempt_at__gt=now)
            .order_by("user_id", "kind", "pk")[:limit]
        )
        if not rows:
            return 0, 0
        opted_out = set(EmailOptOut.objects.filter(user_id__in={r.user_id for r in rows}).values_list("user_id", "kind"))
        sent_ids, skipped_ids, failed = [], [], []
        connection = get_connection()
        try:
            connection.open()
            for (user_id, kind), group in _email_groups(rows, opted_out):
                user = group[0].user
                if (user_id, kind) in opted_out or not user.email or not user.is_active:
                    skipped_ids.extend(r.pk for r in group)
                    continue
                # A review nudge riding in a quiz e-mail keeps its own opt-out.
                skipped_ids.extend(r.pk for r in group if (user_id, r.kind) in opted_out)
                group = [r for r in group if (user_id, r.kind) not in opted_out]
                try:
                    connection.send_messages([build_message(user=user, kind=kind, reminders=group)])
                except Exception as exc:  # noqa: BLE001 - any mail failure is retried later, never lost
                    for reminder in group:
                        reminder.attempts += 1
                        reminder.last_error = f"{type(exc).__name__}: {exc}"[:1000]
                        if reminder.attempts >= MAX_DELIVERY_ATTEMPTS:
                            reminder.status, reminder.next_attempt_at = Reminder.Status.FAILED, None
                        else:
                            reminder.next_attempt_at = now + timedelta(minutes=2**reminder.attempts)
                    failed.extend(group)
                    continue
                sent_ids.extend(r.pk for r in group)
                sent += 1
        finally:
            connection.close()
        # A few set-based updates rather than one CASE per row: the batch is large and mostly sent.
        Reminder.objects.filter(pk__in=sent_ids).update(status=Reminder.Status.SENT, sent_at=now, attempts=F("attempts") + 1)
        Reminder.objects.filter(pk__in=skipped_ids).update(status=Reminder.Status.SKIPPED)
        if failed:
            Reminder.objects.bulk_update(failed, ["status", "attempts", "next_attempt_at", "last_error"])
    return len(rows), sent


def email_opt_out_set(*, user, kind: str, opted_out: bool) -> bool:
    """Opt out of (or back into) a kind of reminder; returns True when it changed something."""
    if kind not in Kind.values:
        raise ValueError(f"unknown kind {kind!r}")
    if opted_out:
        _row, created = EmailOptOut.objects.get_or_create(user=user, kind=kind)
        return created
    deleted, _rows = EmailOptOut.objects.filter(user=user, kind=kind).delete()
    return bool(deleted)
