"""The one way every outbox sends: one message per transaction, marked the moment the far end accepts it.

Every outbox (the reminder e-mails, which also carry the reply notifications, the digests and
the invitations, and the LTI scores) hands `outbox_send_each` four small functions:

- `claim(now)`: inside the open transaction, lock the rows of the next message with
  `select_for_update(skip_locked=True)` and return them (None when nothing is due). Another
  sender skips them; a sender that dies (kill -9, lost database connection) releases them with
  its connection, so nothing waits on a lease to expire.
- `send(unit)`: the network call (SMTP, the LMS). Nothing else.
- `mark_sent(unit, now)` / `mark_failed(unit, exc, now)`: the marks, in the same transaction,
  which commits right after. So a crash costs at most the one message in flight: the far end may
  have accepted it before its mark committed, and the next run sends it again, once, with the
  same Message-ID (each outbox derives it from its rows).

The run also stops cleanly when Celery's soft time limit fires (`SoftTimeLimitExceeded` is never
handled as a delivery failure: the message in flight is rolled back, everything before it stays
marked), when its time budget is spent (the caller queues the next run), or when the far end
looks down (`is_outage`): the other rows then wait for the next run without spending their tries.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from billiard.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)


@dataclass
class Outbox:
    name: str
    claim: Callable[[Any], Any]
    send: Callable[[Any], None]
    mark_sent: Callable[[Any, Any], None]
    mark_failed: Callable[[Any, Exception, Any], None]
    # Exceptions that mean "this message did not go", recorded on its rows; anything else is a bug and propagates.
    errors: tuple[type[BaseException], ...] = (Exception,)
    # True when the far end is unreachable: the run stops instead of charging every row a try.
    is_outage: Callable[[Exception], bool] = lambda exc: False


@dataclass
class RunReport:
    sent: int = 0
    failed: int = 0
    handled: int = 0
    # Why the run ended before its outbox was empty: "time budget", "time limit", "outage" or "" (empty).
    stopped: str = ""

    @property
    def more_to_do(self) -> bool:
        return self.stopped == "time budget"


def outbox_time_budget() -> float:
    """Seconds one run may keep starting messages: the soft time limit minus two slow messages' worth.

    A message to a stalled server can take a few `EMAIL_TIMEOUT`s (connect, then each command),
    so a run that stops starting new ones this early ends well before the soft limit.
    """
    soft_limit = settings.CELERY_TASK_SOFT_TIME_LIMIT or 240
    return max(soft_limit - 2 * (settings.EMAIL_TIMEOUT or 20), soft_limit / 2)


def outbox_send_each(outbox: Outbox, *, now=None, budget: float | None = None, limit: int | None = None) -> RunReport:
    """Send the outbox's due messages one by one, each claimed, sent and marked in its own transaction.

    At most `limit` messages (OUTBOX_MESSAGES_PER_RUN) and `budget` seconds per run; the caller
    queues the next run when `more_to_do`, so a backlog drains run after run without waiting for beat.
    """
    report = RunReport()
    started = time.monotonic()
    budget = outbox_time_budget() if budget is None else budget
    limit = settings.OUTBOX_MESSAGES_PER_RUN if limit is None else limit
    try:
        while True:
            if time.monotonic() - started > budget or report.handled >= limit:
                report.stopped = "time budget"
                break
            outage = False
            with transaction.atomic():
                unit = outbox.claim(now or timezone.now())
                if unit is None:
                    break
                report.handled += 1
                try:
                    outbox.send(unit)
                except SoftTimeLimitExceeded:
                    raise  # not a delivery failure: the run is over (handled below, after the rollback)
                except outbox.errors as exc:
                    outbox.mark_failed(unit, exc, now or timezone.now())
                    report.failed += 1
                    outage = outbox.is_outage(exc)
                else:
                    outbox.mark_sent(unit, now or timezone.now())
                    report.sent += 1
            if outage:
                report.stopped = "outage"
                logger.warning("%s: the far end is unreachable; the rest waits for the next run.", outbox.name)
                break
    except SoftTimeLimitExceeded:
        # The message in flight was rolled back with its transaction: it goes again next run, with
        # the same identity; everything marked before it stays marked.
        report.stopped = "time limit"
        logger.warning("%s: soft time limit reached after %s messages; the rest waits for the next run.", outbox.name, report.sent)
    return report
