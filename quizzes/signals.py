from django.dispatch import Signal

# Sent inside the transaction that changed grades: quiz_id=..., user_ids=[...].
# Receivers (the LTI grade passback) queue their work with transaction.on_commit.
quiz_scores_changed = Signal()
