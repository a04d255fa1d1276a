from django.dispatch import Signal

# Sent inside the transaction that changed grades: quiz_id=..., user_ids=[...].
# Receivers (the LTI grade passback) queue their work with transaction.on_commit.
quiz_scores_changed = Signal()

# Sent inside the transaction that graded a submitted attempt: attempt=...
# Receivers (spaced review's new cards) queue their work with transaction.on_commit,
# so quizzes never import the apps built on top of it.
attempt_graded = Signal()

# Sent inside the transaction that graded an essay answer by hand: response=... (its attempt, question and
# student selected). Receivers above (the reminders app notifies the student) never run for a no-op regrade.
essay_graded = Signal()
