"""What the review participation credit costs the gradebook: 1,000 students × 60 cards (half reviewed).

Run by hand (prints figures; nothing asserts on time), on an SQLite file then PostgreSQL:

    BENCH_PG_URL=postgres://postgres@127.0.0.1:5432/cs_reviewcredit .venv/bin/python bench/review_credit.py

Times the whole-class refresh of the kept standings with the credit off and on, one student's
refresh (what a review or a quiz submit adds to its transaction), and the credit's query alone.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "1000"))
CARDS = int(os.environ.get("BENCH_CARDS", "60"))
RUNS = int(os.environ.get("BENCH_RUNS", "5"))
QUIZZES = 5


def gift(per_quiz: int) -> str:
    return "\n\n".join(f"::Q{n}:: Question {n} ? {{=oui ~non}}" for n in range(per_quiz))


def median_seconds(action) -> float:
    timings = []
    for _run in range(RUNS):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "var" / "bench-review-credit.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from accounts.models import User
        from courses.models import Course, Enrollment
        from gradebook.standings import standings_refresh
        from review.models import Card, ReviewSettings
        from review.selectors import review_participation
        from tests.factories import LessonFactory, quiz_from_gift

        now = timezone.now()
        course = Course.objects.create(slug="bench", title="Banc d’essai")
        per_quiz = CARDS // QUIZZES
        quizzes = [quiz_from_gift(LessonFactory(course=course, position=n + 1), text=gift(per_quiz)) for n in range(QUIZZES)]
        password = make_password("x")
        User.objects.bulk_create(
            [User(username=f"s{n}", email=f"s{n}@example.org", password=password) for n in range(STUDENTS)], batch_size=2000
        )
        user_ids = list(User.objects.filter(username__startswith="s").values_list("pk", flat=True))
        Enrollment.objects.bulk_create([Enrollment(course=course, user_id=pk) for pk in user_ids], batch_size=2000)
        Card.objects.bulk_create(
            (
                Card(
                    user_id=user_id, course=course, quiz=quiz, question_key=f"Q{n}", due=now + datetime.timedelta(days=1 + n),
                    reviews=1 + n % 2, last_rating=3,
                )
                for user_id in user_ids for quiz in quizzes for n in range(per_quiz)
            ),
            batch_size=5000,
        )
        print(f"{connection.vendor}: {STUDENTS} students, {Card.objects.count()} cards")
        settings_row = ReviewSettings.objects.create(course=course)
        for credit in (False, True):
            settings_row.participation_credit = credit
            settings_row.save()
            whole = median_seconds(lambda: standings_refresh(course=course))
            one = median_seconds(lambda: standings_refresh(course=course, user_ids=[user_ids[0]]))
            query = median_seconds(lambda: review_participation(course_id=course.pk))
            with CaptureQueriesContext(connection) as captured:
                standings_refresh(course=course, user_ids=[user_ids[0]])
            print(
                f"  credit {'on ' if credit else 'off'}: whole-class refresh {whole * 1000:.0f} ms, one student {one * 1000:.1f} ms "
                f"({len(captured.captured_queries)} queries), credit query alone {query * 1000:.1f} ms (medians of {RUNS})"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    from bench.databases import run_on_each_database

    run_on_each_database(__file__, measure)
