from celery import shared_task

from quizzes.services import attempt_followups_run, attempts_expire_overdue, attempts_followups_sweep, questions_purge


@shared_task(name="quizzes.expire_overdue_attempts")
def expire_overdue_attempts() -> int:
    """Beat runs this every minute: attempts whose time ran out are submitted even if the browser was closed."""
    return attempts_expire_overdue()


@shared_task(name="quizzes.purge_trash")
def purge_trash() -> int:
    """Beat runs this daily: deleted questions older than the « Corbeille »'s 30 days go for good."""
    return questions_purge()


@shared_task(name="quizzes.run_attempt_followups")
def run_attempt_followups(attempt_id: int) -> bool:
    """Queued when a submit commits: the review cards of the graded attempt (once, whoever runs first)."""
    return attempt_followups_run(attempt_id=attempt_id)


@shared_task(name="quizzes.sweep_attempt_followups")
def sweep_attempt_followups() -> int:
    """Beat runs this every minute: the follow-ups of submits whose task never ran (broker down, worker killed)."""
    return attempts_followups_sweep()
