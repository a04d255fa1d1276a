"""Real processes for the several-nodes tests: web nodes (gunicorn) and Celery workers on the test database and the
test Redis, an SMTP server and the test LMS in this process. Built on tests/mail's worker fixtures."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from aiosmtpd.controller import Controller
from django.conf import settings

from tests.lti.conftest import lms  # noqa: F401 - fixture used here
from tests.mail.conftest import Inbox, _free_port, start_worker, worker_db  # noqa: F401 - fixtures used here
from tests.waiting import wait_for

NODE_SETTINGS = "tests.cluster.node_settings"


class NamedInbox(Inbox):
    """The mail tests' inbox, which also notes the name (EHLO) of the sender of the e-mail it holds."""

    held_by: str | None = None

    async def handle_DATA(self, server, session, envelope):
        if self.hold_after is not None and len(self.messages) >= self.hold_after and not self.holding.is_set():
            self.held_by = session.host_name
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def smtp_inbox():
    inbox = NamedInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    inbox.port = controller.port
    yield inbox
    inbox.release()
    controller.stop()


class WebNode:
    """One web node: gunicorn (one sync worker) on its own port, in its own process group."""

    def __init__(self, *, env: dict, log: Path):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "coursesite.wsgi", "--bind", f"127.0.0.1:{self.port}", "--workers", "1",
             "--no-control-socket", "--log-level", "warning"],
            cwd=settings.BASE_DIR, env=env, start_new_session=True, stdout=log.open("ab"), stderr=subprocess.STDOUT,
        )

    def ready(self) -> bool:
        try:
            return requests.get(f"{self.url}/livez", timeout=2).status_code == 200
        except requests.RequestException:  # not listening yet, or its worker still booting
            return False

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def start_nodes(worker_db, smtp_inbox, tmp_path):
    """start_nodes(count, **settings) → that many running web nodes; all stopped at the end of the test."""
    nodes = []

    def start(count: int, **overrides) -> list[WebNode]:
        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": NODE_SETTINGS, "DATABASE_URL": worker_db.hand_over(),
            "TEST_SMTP_PORT": str(smtp_inbox.port), "DEBUG": "0", "HTTPS": "0", "SECRET_KEY": "cluster-test-" + "k" * 40,
            **{key: str(value) for key, value in overrides.items()},
        }
        started = [WebNode(env={**env, "NODE_NAME": f"web{n + 1}"}, log=tmp_path / f"web{n + 1}.log") for n in range(count)]
        nodes.extend(started)
        for node in started:
            assert wait_for(node.ready, timeout=20), node.log.read_text()[-3000:]
        return started

    yield start
    for node in nodes:
        node.stop()
