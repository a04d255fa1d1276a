"""Writes about notifications: creating them with the action that causes them, and delivering e-mails."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from notifications.models import Notification

logger = logging.getLogger(__name__)


def notifications_create(*, users, kind: str, subject_key: str, url: str, render) -> list[Notification]:
    """One notification per user, written in the caller's transaction; delivery is queued after commit.

    `render()` returns (title, body); it is called once per reader inside their
    own language, so each notice and its e-mail read in the reader's language.
    """
    notifications = []
    for user in users:
        with translation.override(user.preferred_language):
            title, body = render()
        notifications.append(Notification(user=user, kind=kind, subject_key=subject_key, title=title, body=body, url=url))
    created = Notification.objects.bulk_create(notifications)
    if created:
        transaction.on_commit(notifications_delivery_queue)
    return created


def notifications_delivery_queue() -> None:
    """Ask a worker to send what is pending. If the broker is down, the rows wait for the next sweep."""
    from notifications.tasks import deliver_pending_notifications

    try:
        deliver_pending_notifications.delay()
    except Exception:  # noqa: BLE001 - any broker failure must not fail the student's action
        logger.warning("Broker unreachable: notification e-mails stay in the outbox until the next sweep.")


def notifications_mark_read(*, user, ids=None) -> int:
    pending = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    return pending.update(read_at=timezone.now())


def notifications_deliver_pending(*, limit: int = 500) -> int:
    """Send the e-mails of pending notifications, each in its reader's language; returns how many went out.

    A row is marked sent in the same transaction that sends it, under a row lock
    that other workers skip, so two workers never send the same e-mail.
    """
    sent = 0
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("user")
            .filter(email_wanted=True, emailed_at__isnull=True)
            .order_by("created_at")[:limit]
        )
        for notification in pending:
            user = notification.user
            if user.email:
                with translation.override(user.preferred_language):
                    send_mail(
                        subject=notification.title,
                        message=f"{notification.body}\n\n{settings.SITE_URL}{notification.url}",
                        from_email=None,
                        recipient_list=[user.email],
                    )
                sent += 1
            notification.emailed_at = timezone.now()
        Notification.objects.bulk_update(pending, ["emailed_at"])
    return sent
