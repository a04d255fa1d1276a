"""Ten identical "start" or "submit" requests at once: one attempt, graded once, and every answer the same page.

On SQLite (the embedded default) the requests run in a child process against a
file database, as `make run` serves them; on PostgreSQL, in threads of this test.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.quizzes.concurrency_probe import THREADS, parallel_requests

ROOT = Path(__file__).resolve().parents[2]


def run(what: str, tmp_path) -> dict:
    if connection.vendor != "sqlite":
        return parallel_requests(what)
    finished = subprocess.run(
        [sys.executable, "-m", "tests.quizzes.concurrency_probe", what, str(tmp_path / "probe.sqlite3")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return json.loads(finished.stdout.strip().splitlines()[-1])


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_starts_open_one_attempt_and_all_land_on_it(tmp_path):
    outcome = run("start", tmp_path)

    assert [a["status"] for a in outcome["answers"]] == [302] * THREADS
    assert len({a["location"] for a in outcome["answers"]}) == 1
    assert "/attempts/" in outcome["answers"][0]["location"]
    assert [(a["number"], a["status"]) for a in outcome["attempts"]] == [(1, "in_progress")]


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_submits_grade_once_and_all_land_on_the_result(tmp_path):
    outcome = run("submit", tmp_path)

    assert [a["status"] for a in outcome["answers"]] == [302] * THREADS
    locations = {a["location"] for a in outcome["answers"]}
    assert len(locations) == 1 and locations.pop().rstrip("/").endswith("result")
    assert outcome["attempts"] == [{"number": 1, "status": "submitted", "score": "5.000", "max_score": "5.000"}]
