"""Median time to submit and grade a 20-question attempt, on SQLite and on PostgreSQL.

Run by hand (it prints figures; nothing asserts on time):

    .venv/bin/python bench/quiz_submit.py            # SQLite file + PostgreSQL at 127.0.0.1 if reachable
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/quiz_submit.py

Each run builds a throw-away test database through Django's test runner
machinery, times `attempt_submit` (the same service the submit view calls)
for N fresh attempts, and prints the median, p90 and the query count.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RUNS = int(os.environ.get("BENCH_RUNS", "60"))


def measure() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from quizzes.services import attempt_save, attempt_start, attempt_submit
        from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift
        from tests.quizzes.test_submit_performance_and_concurrency import full_answers, gift_with

        lesson = LessonFactory()
        quiz = quiz_from_gift(lesson, gift_with(20), max_attempts=None)
        timings, queries = [], 0
        for _ in range(RUNS):
            learner = EnrollmentFactory(course=lesson.course).user
            attempt = attempt_start(quiz=quiz, user=learner)
            answers = {name[2:]: value for name, value in full_answers(attempt).items()}
            attempt_save(attempt_id=attempt.pk, answers=answers)
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                attempt_submit(attempt_id=attempt.pk)
                timings.append((time.perf_counter() - started) * 1000)
            queries = len(captured.captured_queries)
        timings.sort()
        print(
            f"{connection.vendor:<10} submit+grade 20 questions: median {statistics.median(timings):.1f} ms, "
            f"p90 {timings[int(len(timings) * 0.9)]:.1f} ms, {queries} queries, {RUNS} runs"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    from bench.databases import run_on_each_database

    run_on_each_database(__file__, measure)


if __name__ == "__main__":
    main()
