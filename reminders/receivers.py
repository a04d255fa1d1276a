"""The reminders app subscribes to the apps below it. Connected in `RemindersConfig.ready`."""

from django.dispatch import receiver

from notifications.signals import notifications_pending


@receiver(notifications_pending, dispatch_uid="reminders.reply_emails")
def queue_reply_emails(sender, **kwargs):
    """New notifications committed: a worker batches their e-mails (at most one per thread per hour)."""
    from reminders.tasks import sweep_reply_emails  # looked up at call time, so tests can replace `delay`

    sweep_reply_emails.delay()
