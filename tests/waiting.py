"""Waiting for work done by another thread (a real Celery worker, a live server) without sleeping blindly."""

import time


def wait_for(condition, timeout=30):
    """True as soon as `condition()` holds; False if it still does not after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False
