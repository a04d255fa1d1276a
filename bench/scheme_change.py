"""A grading-scheme change at 10,000 students (decision 0023): how long the instructor's request takes, and how
long until every kept standing follows the new scheme, with two real Celery workers sharing the refresh.

Run by hand on PostgreSQL (it prints figures; nothing asserts on time):

    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/15 \
        .venv/bin/python bench/scheme_change.py
    BENCH_STUDENTS=2000 BENCH_WORKERS=1 ... bench/scheme_change.py
    BENCH_SEEDED=100 ... bench/scheme_change.py     # seed_demo for 100, copies for the rest: faster on a busy machine

It builds a throw-away test database with bench/gradebook.py's course (30 quizzes) and cohort (seed_demo up to
1,000 students, copies beyond), starts BENCH_WORKERS (2) `celery worker` processes on it and on the broker of
REDIS_URL, then as the instructor: saves a new scheme (the settings page's POST), opens the gradebook while the
workers refresh (« Recalcul en cours (n/N) »), and times until no standing is left under the old scheme.
"""

import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "10000"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "2"))
SEEDED = min(STUDENTS, int(os.environ.get("BENCH_SEEDED", "1000")))


def start_workers(database_url: str) -> list[subprocess.Popen]:
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "coursesite.settings_test"}
    return [
        subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "coursesite", "worker", "--concurrency=1", "--pool=prefork",
             f"--hostname=bench{n}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING"],
            cwd=ROOT, env=env, start_new_session=True,
        )
        for n in range(WORKERS)
    ]


def measure() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    settings.DEBUG = False
    if connection.vendor != "postgresql":
        print(f"{connection.vendor}: skipped (the workers and the web request share one database server: PostgreSQL)")
        return
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    workers = []
    try:
        from bench.gradebook import build_course, clone_cohort
        from coursesite.celery import app
        from demo.cohort import demo_cohort_ensure
        from gradebook.forms import GradingSchemeForm
        from gradebook.models import GradingScheme
        from gradebook.selectors.frame import frame_fingerprint, gradebook_frame
        from gradebook.standings import stale_student_ids

        course = build_course()
        started = time.perf_counter()
        cohort = demo_cohort_ensure(course=course, students=SEEDED)
        if STUDENTS > SEEDED:
            clone_cohort(course, STUDENTS)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        from gradebook.standings import standings_rebuild

        standings_rebuild(course=course)  # the cloned students' standings, as the write services would have kept them
        print(f"postgresql {STUDENTS} students seeded in {time.perf_counter() - started:.0f} s")

        app.control.purge()
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        workers = start_workers(f"{base}/{connection.settings_dict['NAME']}")
        time.sleep(8)  # the workers connect to the broker

        client = Client(SERVER_NAME="localhost")
        client.force_login(cohort.instructor)
        page_url = f"/courses/{course.slug}/gradebook/"
        settings_url = f"/courses/{course.slug}/gradebook/settings/"
        assert client.get(page_url).status_code == 200
        scheme = GradingScheme.objects.get_or_create(course=course)[0]
        data = GradingSchemeForm.initial_from(scheme)
        data.update(quiz_weight=60, participation_weight=25, reading_weight=15)

        posted = time.perf_counter()
        response = client.post(settings_url, data)
        request_ms = (time.perf_counter() - posted) * 1000
        assert response.status_code == 302, response.content[:500]

        progress_ms, shown = [], None
        while True:
            read = time.perf_counter()
            page = client.get(page_url)
            progress_ms.append((time.perf_counter() - read) * 1000)
            body = page.content.decode()
            if "standings-refreshing" not in body:
                break
            shown = shown or body.split("standings-refreshing", 1)[1][:200]
            time.sleep(0.5)
        consistent_s = time.perf_counter() - posted
        left = stale_student_ids(course=course, fingerprint=frame_fingerprint(gradebook_frame(course=course)))
        load = os.getloadavg()[0]
        print(
            f"postgresql {STUDENTS} students, {WORKERS} workers: scheme change request {request_ms:.0f} ms; "
            f"every standing under the new scheme after {consistent_s:.1f} s ({len(left)} left); "
            f"gradebook while refreshing: median {statistics.median(progress_ms):.0f} ms over {len(progress_ms)} reads"
        )
        print(f"postgresql load average during the run: {load:.1f} on {os.cpu_count()} cores")
    finally:
        for worker in workers:
            os.killpg(worker.pid, signal.SIGKILL)  # the worker and its pool child
            worker.wait()
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    from bench.databases import run_on_each_database

    run_on_each_database(__file__, measure)


if __name__ == "__main__":
    main()
