"""Waiting for work done by another thread (a real Celery worker, a live server) without sleeping blindly."""

import time

from django.db import OperationalError


def wait_for(condition, timeout=30):
    """True as soon as `condition()` holds; False if it still does not after `timeout` seconds.

    On SQLite the worker thread shares the test's in-memory database, whose table locks refuse a read
    while the worker writes ("database table is locked"): that read is tried again, as a poll would.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if condition():
                return True
        except OperationalError:
            pass
        time.sleep(0.1)
    return False
