"""Real parts for the fault tests: an SMTP server in this process, a Celery worker in its own process group.

The worker (`celery -A coursesite worker`, prefork pool of one, so Celery's time limits apply) runs
`tests/mail/worker_settings.py` against the test database and the test Redis database, and can be
`kill -9`ed. On PostgreSQL it shares the test database (the tests commit: `transaction=True`); on
SQLite the test's in-memory database is copied to a file the worker opens.
"""

import asyncio
import email
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from tests.waiting import wait_for


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Inbox:
    """What the SMTP server accepted, and a switch to make it hang on the next message.

    `hold(after=n, record=...)`: message n+1 hangs before its 250 reply until `release()`; with
    `record=True` the server keeps it anyway (it was delivered, the acknowledgement was lost: the
    case where the sender must not know), with `record=False` it drops it when released.
    """

    messages: list = field(default_factory=list)
    hold_after: int | None = None
    hold_records: bool = False
    holding: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)

    def hold(self, *, after: int, record: bool) -> None:
        self.hold_after, self.hold_records = after, record
        self.holding.clear()
        self.released.clear()

    def release(self) -> None:
        self.hold_after = None
        self.released.set()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        if self.hold_after is not None and len(self.messages) >= self.hold_after and not self.holding.is_set():
            if self.hold_records:
                self.messages.append(message)
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
            return "250 OK" if self.hold_records else "451 Try again later"
        self.messages.append(message)
        return "250 OK"

    def by_recipient(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for message in self.messages:
            counts[message["To"]] = counts.get(message["To"], 0) + 1
        return counts

    def duplicates(self) -> list:
        """The messages that arrived more than once (a resend), as (recipient, Message-IDs) pairs."""
        by_to: dict[str, list] = {}
        for message in self.messages:
            by_to.setdefault(message["To"], []).append(message["Message-ID"])
        return [(to, ids) for to, ids in by_to.items() if len(ids) > 1]


@pytest.fixture
def smtp_inbox():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    inbox.release()
    controller.stop()


class WorkerDatabase:
    """The database the worker process uses, with a way to cut it off from the worker."""

    def __init__(self, tmp_path: Path):
        self.sqlite = connection.vendor == "sqlite"
        self.path = tmp_path / "worker.sqlite3"

    def hand_over(self) -> str:
        """Call once the test's data is written; returns the worker's DATABASE_URL."""
        if self.sqlite:
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()
            return f"sqlite:///{self.path}"
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        return f"{base}/{connection.settings_dict['NAME']}"

    def rows(self, sql: str) -> list[tuple]:
        if self.sqlite:
            with sqlite3.connect(self.path) as db:
                return db.execute(sql).fetchall()
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def statuses(self) -> dict[str, int]:
        return dict(self.rows("SELECT status, COUNT(*) FROM reminders_reminder GROUP BY status"))

    @property
    def fault_flag(self) -> Path:
        return self.path.with_suffix(".fault")

    def cut_off_worker(self) -> None:
        """PostgreSQL: terminate every other session on the test database (the worker's). SQLite, which has
        no sessions: raise the flag that makes each of the worker's queries fail (tests/mail/worker_settings.py)."""
        if self.sqlite:
            self.fault_flag.touch()
            return
        rows = self.rows(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        assert rows, "the worker had no database session to terminate"

    def restore(self) -> None:
        self.fault_flag.unlink(missing_ok=True)


@pytest.fixture
def worker_db(tmp_path):
    return WorkerDatabase(tmp_path)


class WorkerProcess:
    def __init__(self, *, env: dict, log: Path):
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "coursesite", "worker", "--pool=prefork", "--concurrency=1",
             "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, start_new_session=True,
            stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """kill -9 the worker and its pool child: a crash, not a shutdown."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_worker(worker_db, smtp_inbox, tmp_path, celery_app):
    """start_worker(**settings) → a worker process; every worker is killed at the end of the test."""
    import redis

    # The test Redis database is this run's own: start without messages left by an earlier crash.
    redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
    workers = []
    url = {}

    def start(**overrides) -> WorkerProcess:
        if "url" not in url:
            url["url"] = worker_db.hand_over()
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "tests.mail.worker_settings", "DATABASE_URL": url["url"],
            "TEST_SMTP_PORT": str(smtp_inbox.port), "TEST_DB_FAULT_FLAG": str(worker_db.fault_flag) if worker_db.sqlite else "",
            **{key: str(value) for key, value in overrides.items()},
        }
        worker = WorkerProcess(env=env, log=tmp_path / "worker.log")
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.kill()


def wait_until(condition, timeout=20, what="", log=None):
    if not wait_for(condition, timeout=timeout):
        details = log.read_text()[-3000:] if log and log.exists() else ""
        raise AssertionError(f"timed out waiting for {what}\n{details}")
