"""Invitations for a large class: one CSV of N new people, their e-mails, and the people page.

Run by hand (prints figures; nothing asserts on time):

    .venv/bin/python bench/invitations.py                    # SQLite test database
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coursesite .venv/bin/python bench/invitations.py

BENCH_STUDENTS (default 500) new addresses are enrolled through the studio's CSV service (accounts,
invitations and their outbox rows in one transaction), then the sender builds and hands every
invitation e-mail to the (locmem) backend, then an instructor opens the people page.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "500"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    import django

    django.setup()
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mail.outbox = []
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "var" / "bench-invitations.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        from django.test import Client

        from courses.models import Enrollment
        from reminders.services import reminders_send_pending
        from studio.services import studio_enrollments_from_csv
        from tests.factories import CourseFactory, EnrollmentFactory

        course = CourseFactory(slug="bench", title="Banc d’essai")
        prof = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
        csv_text = "".join(f"etudiant{n}@example.org,Prénom{n},Nom{n}\n" for n in range(STUDENTS))

        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            studio_enrollments_from_csv(course=course, csv_text=csv_text, role="student", actor=prof, create_accounts=True)
            enrol = time.perf_counter() - started
        print(f"{connection.vendor}: {STUDENTS} new people enrolled and invited in {enrol:.2f} s, {len(captured.captured_queries)} queries")

        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            sent = reminders_send_pending()
            send = time.perf_counter() - started
        print(f"  {sent} invitation e-mails built and sent in {send:.2f} s ({send / max(sent, 1) * 1000:.1f} ms each), "
              f"{len(captured.captured_queries)} queries")

        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(prof)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            page = client.get(f"/courses/{course.slug}/studio/people/")
            elapsed = time.perf_counter() - started
        print(f"  people page with {STUDENTS} invited: HTTP {page.status_code} in {elapsed:.2f} s, {len(captured.captured_queries)} queries")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
