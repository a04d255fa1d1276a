"""Writes about notifications: creating them with the action that causes them, and marking them read.

Their e-mails are batched and sent by an app above this one (the reminders app, `reminders.sweeps.sweep_replies`),
which subscribes to `notifications.signals.notifications_pending`: this app imports none of the apps above it."""

from django.db import transaction
from django.utils import timezone, translation

from notifications.models import Notification
from notifications.signals import notification_texts_replaced, notifications_pending


def notifications_create(
    *, users, kind: str, subject_key: str, url: str, render, source_key: str = ""
) -> list[Notification]:
    """One notification per user, written in the caller's transaction; delivery is queued after commit.

    `render()` returns (title, body); it is called once per reader inside their
    own language, so each notice and its e-mail read in the reader's language.
    """
    notifications = []
    for user in users:
        with translation.override(user.preferred_language):
            title, body = render()
        notifications.append(
            Notification(user=user, kind=kind, subject_key=subject_key, source_key=source_key, title=title, body=body, url=url)
        )
    created = Notification.objects.bulk_create(notifications)
    if created:
        transaction.on_commit(notifications_delivery_queue)
    return created


@transaction.atomic
def notifications_text_replace(*, source_key: str, render) -> int:
    """Rewrite the text of every notice quoting `source_key` (a hidden post, or one shown again).

    `render()` gives the new text, in each reader's language. E-mails already decided from these
    notices but not yet sent are rewritten too: the reminders app owns that outbox and does it on
    `notification_texts_replaced`, in this transaction. E-mails already sent cannot be taken back.
    """
    notices = list(Notification.objects.select_for_update().filter(source_key=source_key).select_related("user"))
    replaced = []
    for notice in notices:
        with translation.override(notice.user.preferred_language):
            body = render()
        if body != notice.body:
            replaced.append((notice.user_id, notice.subject_key, notice.body, body))
            notice.body = body
    Notification.objects.bulk_update(notices, ["body"])
    notification_texts_replaced.send(sender=Notification, replacements=replaced)
    return len(replaced)


def notifications_delivery_queue() -> None:
    """Tell the subscribers (the reminders app queues its batching task) that e-mails are pending.

    If one fails (the broker is down), the rows wait in the outbox for the next sweep: a
    subscriber's failure must not fail the student's action.
    """
    notifications_pending.send(sender=Notification)


def notifications_mark_read(*, user, ids=None) -> int:
    pending = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    return pending.update(read_at=timezone.now())
