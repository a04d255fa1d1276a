import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"

pytest_plugins = ("celery.contrib.pytest",)


@pytest.fixture(scope="session")
def celery_app():
    """The project's own Celery app, on the Redis named by REDIS_URL (database 7 in CI)."""
    from coursesite.celery import app

    return app


@pytest.fixture(autouse=True)
def _broker_pause_forgotten():
    """A test that made a publish fail must not silence the publishes of the next tests."""
    from coursesite.broker import broker_pause_reset

    broker_pause_reset()
    yield
    broker_pause_reset()


@pytest.fixture(autouse=True)
def _cache_per_test():
    """What one test cached (a queued-refresh mark, an LMS's keys) is not there for the next."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def celery_includes(celery_app):
    """Before each real worker starts: drop what earlier tests published with no worker to run it (an attempt's
    follow-ups, a send): their rows are gone, and a stale task would race this test for its database."""
    celery_app.control.purge()
    return ()


@pytest.fixture(scope="session")
def celery_worker_parameters():
    # A solo pool in a thread of the test process: it shares the locmem outbox with the test.
    return {"perform_ping_check": False, "shutdown_timeout": 30}


@pytest.fixture
def seed_copy(tmp_path) -> Path:
    """A writable copy of the real seed folder, for tests that edit or break a file."""
    target = tmp_path / "seeds"
    shutil.copytree(SEEDS_DIR, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture
def course(db):
    """The real course, lessons and quizzes imported from seeds/."""
    from coursesite.content_import import course_content_import

    return course_content_import(directory=SEEDS_DIR).lessons.course


@pytest.fixture
def student(course):
    from courses.models import Enrollment
    from tests.factories import EnrollmentFactory

    return EnrollmentFactory(course=course, role=Enrollment.Role.STUDENT).user


@pytest.fixture
def instructor(course):
    from courses.models import Enrollment
    from tests.factories import EnrollmentFactory

    return EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": shutil.which("chromium") or "/usr/bin/chromium",
        "args": [
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
        ],
    }
