"""The reminders app subscribes to the apps below it. Connected in `RemindersConfig.ready`."""

from django.dispatch import receiver

from accounts.signals import invitations_created
from notifications.signals import notification_texts_replaced, notifications_pending
from quizzes.signals import essay_graded


@receiver(notifications_pending, dispatch_uid="reminders.reply_emails")
def queue_reply_emails(sender, **kwargs):
    """New notifications committed: a worker batches their e-mails (at most one per thread per hour)."""
    from coursesite.broker import task_publish_quietly
    from reminders.tasks import sweep_reply_emails  # looked up at call time, so tests can replace `delay`

    # A silent or down broker costs the request seconds at most; the e-mails wait for the periodic sweep.
    task_publish_quietly(sweep_reply_emails)


@receiver(notification_texts_replaced, dispatch_uid="reminders.pending_texts")
def replace_texts_in_unsent_emails(sender, *, replacements, **kwargs):
    """A hidden post's text must not leave in a reply e-mail decided before it was hidden."""
    from reminders.services import reminders_pending_text_replace

    reminders_pending_text_replace(replacements=replacements)


@receiver(invitations_created, dispatch_uid="reminders.invitation_emails")
def queue_invitation_emails(sender, *, invitations, **kwargs):
    """Each new invitation becomes one outbox row in the inviting transaction, then is sent after the commit."""
    from reminders.services import invitation_emails_decide

    invitation_emails_decide(invitations=invitations)


@receiver(essay_graded, dispatch_uid="reminders.essay_graded")
def notify_essay_graded(sender, *, response, **kwargs):
    """quizzes may not import notifications: the student hears of their graded essay through this app."""
    from reminders.notices import essay_graded_notify

    essay_graded_notify(response=response)
