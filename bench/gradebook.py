"""Median times of the gradebook for 1,000 and then 10,000 students with 30 quizzes, on SQLite and on
PostgreSQL: the default page, the class sorted by total with the at-risk filter, the CSV export, and
the whole-class refresh of the kept standings (what the first read after a due date passes pays).

Run by hand (it prints figures; nothing asserts on time):

    .venv/bin/python bench/gradebook.py            # SQLite file + PostgreSQL at 127.0.0.1 if reachable
    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/cs_standings .venv/bin/python bench/gradebook.py
    BENCH_SIZES=1000 BENCH_RUNS=5 .venv/bin/python bench/gradebook.py

Each run builds a throw-away test database: the course from seeds/ plus 25 extra lessons, each with
a 10-question quiz and three prompts (30 quizzes in all), then `seed_demo`'s cohort (reading, graded
attempts, prompt answers) at each size in turn (beyond 1,000 students, copies of
the seeded students' work: `clone_cohort`). The course started eight weeks ago: the first
quizzes are past due. Aims (issue 14): sorted/filtered page under 300 ms at 1,000 students and
under 1 s at 10,000; CSV under 1 s at 10,000.
"""

import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = [int(n) for n in os.environ.get("BENCH_SIZES", os.environ.get("BENCH_STUDENTS", "1000,10000")).split(",")]
RUNS = int(os.environ.get("BENCH_RUNS", "7"))
# Up to this many students come from seed_demo; beyond, the seeded students' work is copied (clone_cohort).
SEEDED = int(os.environ.get("BENCH_SEEDED", "1000"))
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


CPU_TIMES: list[float] = []  # the process's CPU time of the last timed() call, median (ms)


def timed(fn, runs=RUNS) -> tuple[float, object]:
    """Median wall time (ms) of `runs` calls; the median CPU time of this process goes to CPU_TIMES.

    On a busy machine the wall time mostly measures the wait for a core; the CPU time (which holds
    SQLite's work, not PostgreSQL's server) says what the request itself costs.
    """
    timings, cpu, result = [], [], None
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    CPU_TIMES.append(statistics.median(cpu))
    return statistics.median(timings), result


def clone_cohort(course, size: int) -> None:
    """Grow the class to `size` students by copying the seeded students' work (reading, attempts without
    their answers, posts) to new accounts: the gradebook reads the same kinds of rows, and a busy machine
    seeds 10,000 students this way in minutes instead of an hour. Answers are not copied: the
    gradebook reads them only for attempts still open."""
    from itertools import cycle

    from django.contrib.auth import get_user_model

    from courses.models import Enrollment
    from discussions.models import Post
    from lessons.models import LessonProgress
    from quizzes.models import Attempt

    User = get_user_model()
    base = list(Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).select_related("user").order_by("user_id"))
    pairs = [(src, n) for n, src in zip(range(size - len(base)), cycle(base))]
    users = User.objects.bulk_create(
        [User(username=f"clone{n}", first_name=src.user.first_name, last_name=src.user.last_name,
              email=f"clone{n}@example.org", password=src.user.password) for src, n in pairs],
        batch_size=2000,
    )
    copies: dict[int, list[int]] = {}
    for (src, _n), user in zip(pairs, users):
        copies.setdefault(src.user_id, []).append(user.pk)
    Enrollment.objects.bulk_create(
        [Enrollment(course=course, user=user, role=Enrollment.Role.STUDENT, group=src.group) for (src, _n), user in zip(pairs, users)],
        batch_size=2000,
    )
    Enrollment.objects.filter(user__in=users).update(created_at=base[0].created_at)

    def copy(model, user_field, rows, **blank):
        made = [model(**{**row, user_field: new, **blank}) for row in rows for new in copies.get(row[user_field], ())]
        model.objects.bulk_create(made, batch_size=2000)

    sources = list(copies)
    copy(LessonProgress, "user_id", LessonProgress.objects.filter(user_id__in=sources, lesson__course=course).values("lesson_id", "user_id", "read_at"))
    attempt_fields = [f.attname for f in Attempt._meta.concrete_fields if f.attname != "id"]
    copy(Attempt, "user_id", Attempt.objects.filter(user_id__in=sources, quiz__lesson__course=course).values(*attempt_fields))
    post_fields = ["thread_id", "author_id", "is_opening", "body", "body_html", "deleted_at", "hidden_at", "hidden_reason"]
    copy(Post, "author_id", Post.objects.filter(author_id__in=sources, thread__lesson__course=course, is_opening=False).values(*post_fields))


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
        from gradebook.standings import standings_refresh
        from quizzes.models import Attempt

        course = build_course()
        vendor = connection.vendor
        for size in SIZES:
            started = time.perf_counter()
            if size <= SEEDED:
                cohort = demo_cohort_ensure(course=course, students=size)
            else:
                clone_cohort(course, size)
            seed_seconds = time.perf_counter() - started
            if vendor == "postgresql":
                # Production tables this size have been analysed by autovacuum long ago; a fresh bulk load
                # has no statistics and the planner would pick nested loops.
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            print(f"{vendor:<10} {size} students: seeded in {seed_seconds:.0f} s ({Attempt.objects.count()} attempts, 30 quizzes)")
            import gc

            gc.collect()
            client = Client(SERVER_NAME="localhost")
            client.force_login(cohort.instructor)
            page_url = f"/courses/{course.slug}/gradebook/"
            csv_url = f"/courses/{course.slug}/gradebook.csv"
            assert client.get(page_url).status_code == 200  # warms the template cache
            page_ms, _r = timed(lambda: client.get(page_url))
            sorted_ms, _r = timed(lambda: client.get(page_url + "?sort=-total&risk=1"))
            last_ms, _r = timed(lambda: client.get(page_url + "?sort=-total&risk=1&page=9999"))

            def stream():
                response = client.get(csv_url)
                return sum(len(chunk) for chunk in response.streaming_content)

            csv_ms, csv_size = timed(stream)
            refresh_ms, _n = timed(lambda: standings_refresh(course=course), runs=max(1, RUNS // 3))
            if os.environ.get("BENCH_PROFILE"):
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                from gradebook.selectors import gradebook_page

                profiler.runcall(lambda: gradebook_page(course=course, sort="-total", at_risk=True))
                pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
            page_cpu, sorted_cpu, last_cpu, csv_cpu, refresh_cpu = CPU_TIMES[-5:]
            print(
                f"{vendor:<10} {size} students, medians of {RUNS} (wall ms / CPU ms of this process): "
                f"default page {page_ms:.0f}/{page_cpu:.0f}; sorted by total + at-risk filter {sorted_ms:.0f}/{sorted_cpu:.0f} "
                f"(last page {last_ms:.0f}/{last_cpu:.0f}); CSV {csv_ms:.0f}/{csv_cpu:.0f} ({csv_size / 1024:.0f} KiB); "
                f"whole-class refresh of the kept standings {refresh_ms:.0f}/{refresh_cpu:.0f}"
            )
            load = os.getloadavg()[0]
            print(f"{vendor:<10} load average during the run: {load:.1f} on {os.cpu_count()} cores")
        peak, _size = export_peak(course)
        print(f"{vendor:<10} CSV export peak memory at {SIZES[-1]} students: {peak:.1f} MiB")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def main() -> None:
    from bench.databases import run_on_each_database

    run_on_each_database(__file__, measure)


if __name__ == "__main__":
    main()
