"""The daily review nudge end to end: 10,000 students × 60 cards each, a real Celery worker.

Run by hand (prints figures; nothing asserts on time), on an SQLite file then PostgreSQL:

    REDIS_URL=redis://127.0.0.1:6379/12 BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/cs_review \\
        .venv/bin/python bench/review.py

Builds the deck with bulk inserts in a throw-away test database (a quarter of
the cards due), counts the queries of the nudge sweep and of the whole hourly
sweep, then times, for each run, from sending the task beat sends
("reminders.sweep") to the last e-mail handed to the (locmem) backend.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "10000"))
CARDS = int(os.environ.get("BENCH_CARDS", "60"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
QUIZZES = 5


def gift(per_quiz: int) -> str:
    return "\n\n".join(f"::Q{n}:: Question {n} ? {{=oui ~non}}" for n in range(per_quiz))


def measure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    import django

    django.setup()
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mail.outbox = []
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "var" / "bench-review.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from accounts.models import User
        from bench.reminders import sweep_to_last_email
        from courses.models import Course, Enrollment
        from reminders.services import reminder_sweep
        from reminders.sweeps import Decisions
        from review import reminders as review_reminders
        from review.models import Card
        from tests.factories import LessonFactory, quiz_from_gift

        review_reminders.NUDGE_HOUR = 0  # the bench runs at any hour
        now = timezone.now()
        course = Course.objects.create(slug="bench", title="Banc d’essai")
        per_quiz = CARDS // QUIZZES
        quizzes = [quiz_from_gift(LessonFactory(course=course, position=n + 1), text=gift(per_quiz)) for n in range(QUIZZES)]
        started = time.perf_counter()
        password = make_password("x")
        User.objects.bulk_create(
            [User(username=f"s{n}", email=f"s{n}@example.org", password=password) for n in range(STUDENTS)], batch_size=2000
        )
        user_ids = list(User.objects.filter(username__startswith="s").values_list("pk", flat=True))
        Enrollment.objects.bulk_create([Enrollment(course=course, user_id=pk) for pk in user_ids], batch_size=2000)
        batch = []
        for user_id in user_ids:
            for quiz in quizzes:
                for n in range(per_quiz):
                    # A quarter due (yesterday's misses), the rest later this month.
                    due = now - datetime.timedelta(hours=1) if n % 4 == 0 else now + datetime.timedelta(days=1 + n)
                    batch.append(Card(user_id=user_id, course=course, quiz=quiz, question_key=f"Q{n}", due=due, reviews=1, last_rating=1))
            if len(batch) >= 20000:
                Card.objects.bulk_create(batch, batch_size=5000)
                batch = []
        Card.objects.bulk_create(batch, batch_size=5000)
        print(f"{connection.vendor}: {STUDENTS} students, {Card.objects.count()} cards in {time.perf_counter() - started:.1f} s")

        connection.queries_log.clear()  # the bulk inserts above overflowed the capped query log
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            decisions = Decisions()
            review_reminders.sweep_review_nudges(now=now, decisions=decisions)
        print(
            f"  nudge sweep: {len(decisions.rows)} nudges decided in {len(captured.captured_queries)} queries, "
            f"{time.perf_counter() - started:.1f} s"
        )
        with CaptureQueriesContext(connection) as captured:
            report = reminder_sweep(now=now, dry_run=True)
        print(f"  hourly sweep (decisions only): {len(report.decided)} reminders in {len(captured.captured_queries)} queries")

        sweep_to_last_email(students=STUDENTS, runs=RUNS)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    from bench.databases import run_on_each_database

    run_on_each_database(__file__, measure)
