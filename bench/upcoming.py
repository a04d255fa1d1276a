"""« Ce qui partira » (studio upcoming page): the forecast as the page computes it, against the old way (every
hourly rule run at each of the 168 coming hours), on `make seed`-like data.

Run by hand (prints figures; nothing asserts on time):

    .venv/bin/python bench/upcoming.py                      # SQLite test database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coursesite .venv/bin/python bench/upcoming.py

In a throw-away test database: imports `seeds/`, runs `seed_demo --students 60` (BENCH_STUDENTS), moves the
five quizzes' due dates into the coming week (one every 30 hours), gives one student and one group an override,
then times each way (median of BENCH_RUNS) with its query count and checks both give the same list.
BENCH_PROFILE=1 prints where the page's time goes instead of timing the old way.

Measured 2026-12-03 (2 shared cores, load 3 to 20 from other work: timings are indicative), 60 students,
1,004 reminders forecast, the same list both ways:
  SQLite:     90 queries, 414 ms  (every hour: 3,861 queries, 7.6 s)
  PostgreSQL: 90 queries, 673 ms  (every hour: 3,861 queries, 12.8 s)
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "60"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))


def every_hour_forecast(course, now):
    """The old page: each hourly rule at every one of the 168 coming hours, the weekly sweep at its slot."""
    from django.urls import reverse
    from django.utils import timezone

    from reminders.forecast import _about_course, _digest_outline, _weekly_slot
    from reminders.services import hourly_decisions, weekly_decisions
    from reminders.sweeps import Decisions

    weekday, slot_hour = _weekly_slot()
    review_url = reverse("courses:review:index", kwargs={"course": course.slug})
    seen, found = set(), []
    first = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
    for hour in range(7 * 24):
        at = first + datetime.timedelta(hours=hour)
        decisions = Decisions(course_ids=[course.pk])
        hourly_decisions(now=at, decisions=decisions)
        local = timezone.localtime(at)
        if (local.weekday(), local.hour) == (weekday, slot_hour):
            weekly_decisions(now=at, decisions=decisions, digest_builder=_digest_outline)
        for row in decisions.rows:
            key = (row.user_id, row.kind, row.object_key, row.window)
            if key not in seen:
                seen.add(key)
                if _about_course(row, course, review_url):
                    found.append((at, *key, row.context))
    return found


def timed(label, function, runs):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    timings, result, queries = [], None, 0
    for _run in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = function()
            timings.append(time.perf_counter() - started)
        queries = len(captured.captured_queries)
    print(f"{connection.vendor}: {label}: {queries} queries, median {statistics.median(timings) * 1000:.0f} ms over {runs} runs")
    return result


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.utils import timezone

        from courses.models import Course, Enrollment
        from quizzes.models import Quiz, QuizOverride
        from reminders.forecast import reminders_forecast

        call_command("import_course", str(ROOT / "seeds"), verbosity=0)
        call_command("seed_demo", students=STUDENTS, verbosity=0, stdout=open(os.devnull, "w"))
        course = Course.objects.get(slug="marketing-numerique")
        now = timezone.now()
        quizzes = list(Quiz.objects.filter(lesson__course=course).order_by("lesson__position"))
        for n, quiz in enumerate(quizzes):
            quiz.due_at = now + datetime.timedelta(hours=30 * (n + 1), minutes=7 * n)
            quiz.save(update_fields=["due_at"])
        students = list(Enrollment.objects.filter(course=course, role=Enrollment.Role.STUDENT).order_by("pk"))
        Enrollment.objects.filter(pk__in=[e.pk for e in students[:5]]).update(group="B")
        own_date = quizzes[0].due_at + datetime.timedelta(hours=26)
        QuizOverride.objects.create(quiz=quizzes[0], user_id=students[-1].user_id, due_at=own_date)
        QuizOverride.objects.create(quiz=quizzes[1], group="B", due_at=quizzes[1].due_at + datetime.timedelta(hours=13, minutes=30))
        print(f"{connection.vendor}: {len(students)} students, {len(quizzes)} quizzes")

        from reminders.services import HOURLY_RULES
        from reminders.sweeps import Decisions

        first = now.replace(minute=0, second=0, microsecond=0) + datetime.timedelta(hours=1)
        for sweep, instants in HOURLY_RULES:
            found = instants(start=first, end=first + datetime.timedelta(hours=167), decisions=Decisions(course_ids=[course.pk]))
            hours = {at.replace(minute=0, second=0, microsecond=0) for at in found}
            print(f"{connection.vendor}: {sweep.__name__}: {len(found)} instants, about {len(hours) + 1} hours to run")
        fast = timed("page's forecast (each rule at its own hours)", lambda: reminders_forecast(course=course, now=now), RUNS)
        if os.environ.get("BENCH_PROFILE"):
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(reminders_forecast, course=course, now=now)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
            return
        slow = timed("every rule at each of the 168 hours (before)", lambda: every_hour_forecast(course, now), 1)
        same = [(r.at, r.user.pk, r.kind, r.object_key, r.window, r.context) for r in fast] == slow
        print(f"{connection.vendor}: {len(fast)} reminders forecast; same as every hour: {same}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
