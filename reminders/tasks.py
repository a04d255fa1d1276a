"""Celery tasks: each takes no object, only reads the database, and calls a service."""

from celery import shared_task

from reminders.services import reminder_sweep, reminders_send_pending, reply_emails_sweep, weekly_digests


@shared_task(name="reminders.sweep")
def sweep_reminders() -> int:
    return len(reminder_sweep().decided)


@shared_task(name="reminders.weekly_digests")
def send_weekly_digests() -> int:
    return len(weekly_digests().decided)


@shared_task(name="reminders.send_pending")
def send_pending_reminders() -> int:
    """Every 5 minutes (beat) and after each decision: first the replies a request could not queue, then the outbox."""
    reply_emails_sweep(queue_sending=False)
    return reminders_send_pending()


@shared_task(name="reminders.sweep_replies")
def sweep_reply_emails() -> int:
    """Queued after a reply commits: batch reply notifications into e-mails (at most one per thread per hour)."""
    return len(reply_emails_sweep().decided)
