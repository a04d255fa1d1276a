"""Publishing a task from a web request, without ever failing or hanging the request.

The work itself is saved before this runs (an outbox row: a notification, a
reminder), and a periodic sweep sends whatever is still pending. So a publish
is only a nudge: it gets the broker timeouts of the settings (a few seconds at
most, even for a broker that accepts and never answers), a failure is logged
and swallowed, and after a failure this process stops nudging for a while so
that every request of an outage does not pay the timeout again.
"""

import logging
import time

from celery import current_task
from django.conf import settings

logger = logging.getLogger(__name__)

# After a failed publish, requests skip publishing for this long (seconds); the periodic sweep sends.
PAUSE_AFTER_FAILURE = 60.0
_paused_until = 0.0


def task_publish_quietly(task, *args, **kwargs) -> bool:
    """`task.delay(*args, **kwargs)` if the broker answers in time; False (logged) if it does not."""
    global _paused_until
    # The pause spares web requests; a task (a worker's sweep) always tries, as the beat will not retry it sooner.
    in_request = not current_task and not settings.CELERY_TASK_ALWAYS_EAGER
    if in_request and time.monotonic() < _paused_until:
        return False
    try:
        task.delay(*args, **kwargs)
    except Exception:  # noqa: BLE001 - any broker failure must not fail the action that was saved
        if in_request:
            _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
        logger.warning("Broker unreachable: %s waits for the next periodic send.", task.name, exc_info=True)
        return False
    return True


def broker_pause_reset() -> None:
    """Forget a past failure (tests, and a health check that found the broker back)."""
    global _paused_until
    _paused_until = 0.0
