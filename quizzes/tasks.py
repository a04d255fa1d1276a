from celery import shared_task

from quizzes.services import attempts_expire_overdue, questions_purge


@shared_task(name="quizzes.expire_overdue_attempts")
def expire_overdue_attempts() -> int:
    """Beat runs this every minute: attempts whose time ran out are submitted even if the browser was closed."""
    return attempts_expire_overdue()


@shared_task(name="quizzes.purge_trash")
def purge_trash() -> int:
    """Beat runs this daily: deleted questions older than the « Corbeille »'s 30 days go for good."""
    return questions_purge()
