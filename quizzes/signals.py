from django.dispatch import Signal

# Sent inside the transaction that changed grades: quiz_id=..., user_ids=[...].
# Receivers (the LTI grade passback) queue their work with transaction.on_commit.
quiz_scores_changed = Signal()

# Sent after a submitted attempt's grade is committed, by `attempt_followups_run` (a worker, or the sweep),
# inside the transaction that clears its `followups_pending` marker: attempt=...
# Receivers (spaced review's new cards) do their work right there, so it commits with the marker (once),
# and quizzes never import the apps built on top of it.
attempt_graded = Signal()

# Sent inside the transaction that graded an essay answer by hand: response=... (its attempt, question and
# student selected). Receivers above (the reminders app notifies the student) never run for a no-op regrade.
essay_graded = Signal()
