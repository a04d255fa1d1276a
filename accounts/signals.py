"""Events of the accounts app that upper apps act on (the reminders outbox sends the invitation e-mails).

Sent inside the writer's transaction: the receiver's outbox row commits or rolls back with the invitation.
"""

from django.dispatch import Signal

# kwargs: invitations (list of accounts.models.Invitation, just created)
invitations_created = Signal()
