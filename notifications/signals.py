"""What the notifications app announces to the apps above it (which subscribe; it imports none of them)."""

from django.dispatch import Signal

# Sent after the commit that created notifications: their e-mails are waiting to be batched and sent.
# The reminders app subscribes and queues its batching task.
notifications_pending = Signal()

# Sent inside the transaction that rewrote notices' text (a post hidden or shown again):
# replacements=[(user id, subject key, old text, new text)]. The reminders app subscribes and
# rewrites the e-mails it decided but has not sent, in the same transaction.
notification_texts_replaced = Signal()
