"""What the notifications app announces to the apps above it (which subscribe; it imports none of them)."""

from django.dispatch import Signal

# Sent after the commit that created notifications: their e-mails are waiting to be batched and sent.
# The reminders app subscribes and queues its batching task.
notifications_pending = Signal()
