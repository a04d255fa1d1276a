"""End-to-end reminder sweep: 10,000 enrolled students, five quizzes due tomorrow, a real Celery worker.

Run by hand (prints figures; nothing asserts on time):

    .venv/bin/python bench/reminders.py                      # SQLite test database, Redis from REDIS_URL
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coursesite .venv/bin/python bench/reminders.py

Builds the cohort with bulk inserts in a throw-away test database, starts a
worker thread on the project's Celery app (Redis broker), then times, for each
run, from sending the task beat sends ("reminders.sweep") to the last e-mail
handed to the (locmem) backend. Prints the sweep's query count and the median.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "10000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    import django

    django.setup()
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # No setup_test_environment(): its template instrumentation would slow every e-mail down.
    mail.outbox = []
    if connection.vendor == "sqlite":
        # A file, not the shared in-memory database: the worker thread and this one write and read at once.
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "var" / "bench-reminders.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from accounts.models import User
        from courses.models import Course, Enrollment
        from reminders.services import reminder_sweep
        from tests.factories import LessonFactory, quiz_from_gift

        course = Course.objects.create(slug="bench", title="Banc d’essai")
        tomorrow = timezone.now() + datetime.timedelta(hours=20)
        for n in range(5):
            quiz_from_gift(LessonFactory(course=course, position=n + 1), due_at=tomorrow + datetime.timedelta(minutes=n))
        password = make_password("x")
        started = time.perf_counter()
        User.objects.bulk_create(
            [User(username=f"s{n}", email=f"s{n}@example.org", password=password) for n in range(STUDENTS)], batch_size=2000
        )
        Enrollment.objects.bulk_create(
            [Enrollment(course=course, user_id=pk) for pk in User.objects.filter(username__startswith="s").values_list("pk", flat=True)],
            batch_size=2000,
        )
        print(f"{connection.vendor}: {STUDENTS} students enrolled in {time.perf_counter() - started:.1f} s")

        with CaptureQueriesContext(connection) as captured:
            report = reminder_sweep(now=timezone.now(), dry_run=True)
        print(f"sweep (decisions only): {len(report.decided)} reminders in {len(captured.captured_queries)} queries")

        sweep_to_last_email(students=STUDENTS, runs=RUNS)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def sweep_to_last_email(*, students: int, runs: int) -> list[float]:
    """Time, on a real worker thread, from the task beat sends ("reminders.sweep") to the last of
    `students` e-mails handed to the (locmem) backend; print each run and the median. Django is set up."""
    from celery.contrib.testing.worker import start_worker
    from django.core import mail
    from django.db import connection

    from coursesite.celery import app
    from reminders.models import Reminder

    timings = []
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60):
        for _run in range(runs):
            Reminder.objects.all().delete()
            mail.outbox = []
            started = time.perf_counter()
            app.send_task("reminders.sweep")
            while len(mail.outbox) < students or Reminder.objects.filter(status="pending").exists():
                time.sleep(0.05)
                if time.perf_counter() - started > 600:
                    raise SystemExit("timed out")
            timings.append(time.perf_counter() - started)
            print(f"  run: {timings[-1]:.1f} s, {len(mail.outbox)} e-mails, {Reminder.objects.filter(status='sent').count()} reminders sent")
    print(f"{connection.vendor}: end-to-end median {statistics.median(timings):.1f} s over {runs} runs")
    return timings


if __name__ == "__main__":
    main()
