"""Writes about notifications: creating them with the action that causes them, and marking them read.

Their e-mails are batched and sent by an app above this one (the reminders app, `reminders.sweeps.sweep_replies`),
which subscribes to `notifications.signals.notifications_pending`: this app imports none of the apps above it."""

import logging

from django.db import transaction
from django.utils import timezone, translation

from notifications.models import Notification
from notifications.signals import notifications_pending

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
    """Tell the subscribers (the reminders app queues its batching task) that e-mails are pending.

    If one fails (the broker is down), the rows wait in the outbox for the next sweep: a
    subscriber's failure must not fail the student's action.
    """
    for _receiver, result in notifications_pending.send_robust(sender=Notification):
        if isinstance(result, Exception):
            logger.warning("Broker unreachable: notification e-mails stay in the outbox until the next sweep.")


def notifications_mark_read(*, user, ids=None) -> int:
    pending = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    return pending.update(read_at=timezone.now())
