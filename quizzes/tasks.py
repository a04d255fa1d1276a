from celery import shared_task

from quizzes.services import attempts_expire_overdue


@shared_task(name="quizzes.expire_overdue_attempts")
def expire_overdue_attempts() -> int:
    """Beat runs this every minute: attempts whose time ran out are submitted even if the browser was closed."""
    return attempts_expire_overdue()
