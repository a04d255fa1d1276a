"""Median time to render the gradebook and to stream its CSV for 1,000 students and 30 quizzes,
and the export's peak memory, on SQLite and on PostgreSQL.

Run by hand (it prints figures; nothing asserts on time):

    .venv/bin/python bench/gradebook.py            # SQLite file + PostgreSQL at 127.0.0.1 if reachable
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/gradebook.py
    BENCH_STUDENTS=2000 .venv/bin/python bench/gradebook.py

Each run builds a throw-away test database: the course from seeds/ plus 25 extra lessons, each with
a 10-question quiz and three prompts (30 quizzes in all), then `seed_demo`'s cohort (reading, graded
attempts, prompt answers), first 200 students then the full class, so the export's memory can be
compared at both sizes. The course started eight weeks ago: the first quizzes are past due.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
EXTRA_LESSONS = 25


def build_course():
    from django.utils import timezone

    from coursesite.content_import import course_content_import
    from tests.conftest import SEEDS_DIR
    from tests.factories import DiscussionPromptFactory, LessonFactory, quiz_from_gift
    from tests.quizzes.test_submit_performance_and_concurrency import gift_with

    course = course_content_import(directory=SEEDS_DIR).lessons.course
    course.starts_on = timezone.localdate() - timezone.timedelta(weeks=8)
    course.save(update_fields=["starts_on"])
    last = course.lessons.order_by("-position").first().position
    for k in range(1, EXTRA_LESSONS + 1):
        lesson = LessonFactory(course=course, position=last + k, slug=f"extra-{k}", source_key=f"extra-{k}")
        DiscussionPromptFactory.create_batch(3, lesson=lesson)
        quiz_from_gift(lesson, gift_with(10), max_attempts=None)
    return course


def timed(fn, runs=RUNS) -> tuple[float, object]:
    timings, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings), result


def export_peak(course) -> tuple[float, int]:
    """Peak traced memory (MiB) while producing the whole CSV, and its size in bytes."""
    from gradebook.export import gradebook_csv_chunks

    tracemalloc.start()
    size = 0
    for chunk in gradebook_csv_chunks(course=course):
        size += len(chunk.encode("utf-8"))
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20, size


def measure() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    # As in production: no DEBUG query log, no test template instrumentation (setup_test_environment).
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from demo.cohort import demo_cohort_ensure
        from quizzes.models import Attempt, Response

        course = build_course()
        vendor = connection.vendor
        small = min(200, STUDENTS)
        started = time.perf_counter()
        cohort = demo_cohort_ensure(course=course, students=small)
        small_seed = time.perf_counter() - started
        small_peak, _size = export_peak(course)
        started = time.perf_counter()
        demo_cohort_ensure(course=course, students=STUDENTS)
        seed_seconds = time.perf_counter() - started
        if vendor == "postgresql":
            # Production tables this size have been analysed by autovacuum long ago; a fresh bulk load
            # has no statistics and the planner would pick nested loops for the last-activity lookups.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        print(
            f"{vendor:<10} seed_demo: {small} students in {small_seed:.1f} s, then up to {STUDENTS} in {seed_seconds:.1f} s "
            f"({Attempt.objects.count()} attempts, {Response.objects.count()} answers, 30 quizzes)"
        )

        # What the seeding left behind is garbage a web worker would not carry: measure without it.
        import gc

        gc.collect()
        print(f"{vendor:<10} live Python objects before measuring: {len(gc.get_objects())}")
        client = Client(SERVER_NAME="localhost")
        client.force_login(cohort.instructor)
        page_url = f"/courses/{course.slug}/gradebook/"
        csv_url = f"/courses/{course.slug}/gradebook.csv"
        # Warm the template cache; the query count is pinned by the tests, not measured here.
        assert client.get(page_url).status_code == 200
        page_ms, _r = timed(lambda: client.get(page_url))
        page_ms_sorted, _r = timed(lambda: client.get(page_url + "?sort=-total&risk=1"))

        def stream():
            response = client.get(csv_url)
            return sum(len(chunk) for chunk in response.streaming_content)

        csv_ms, size = timed(stream)
        peak, _size = export_peak(course)

        from gradebook.selectors import gradebook_rows

        compute_ms, _rows = timed(lambda: gradebook_rows(course=course))
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(lambda: client.get(page_url))
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        from discussions.selectors import participation_by_student

        participation_ms, _p = timed(lambda: participation_by_student(course=course))
        print(
            f"{vendor:<10} gradebook page ({STUDENTS} students, 100 per page): median {page_ms:.0f} ms "
            f"(default view: name order, only the page computed); sorted by total with the at-risk filter "
            f"(whole class computed): {page_ms_sorted:.0f} ms, of which gradebook_rows for the class {compute_ms:.0f} ms "
            f"and participation_by_student {participation_ms:.0f} ms"
        )
        print(
            f"{vendor:<10} CSV export: median {csv_ms:.0f} ms for {size / 1024:.0f} KiB; peak memory "
            f"{peak:.1f} MiB at {STUDENTS} students, {small_peak:.1f} MiB at {small}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    from bench.databases import run_on_each_database

    run_on_each_database(__file__, measure)


if __name__ == "__main__":
    main()
