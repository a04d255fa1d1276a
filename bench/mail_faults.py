"""Four faults in the middle of sending ~591 reminder e-mails to 400 students, with real parts.

Run by hand (prints a table; nothing asserts):

    REDIS_URL=redis://127.0.0.1:6379/N CELERY_BROKER_URL=redis://127.0.0.1:6379/N \\
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coursesite .venv/bin/python bench/mail_faults.py

(without DATABASE_URL: an SQLite file in var/). The Redis database is flushed: give it one of your own.

Real SMTP server (aiosmtpd) in this process on 127.0.0.1, real Celery worker processes (prefork,
`tests/mail/worker_settings.py`), the database above in a throw-away test database. Decisions:
400 students get a "quiz due soon" e-mail and 191 of them an inactivity nudge (591 e-mails).

1. the worker is killed (kill -9) after 177 e-mails, the 178th having reached the server without
   its « accepted » coming back (the worst moment); a new worker is started;
2. the SMTP server is down 25 s after 177 e-mails, then back on the same port;
3. the worker's database connections are terminated after 177 e-mails (SQLite: every query fails);
4. the broker is down 20 s while 230 students post replies that 230 followers must hear of.

After each fault the runs that beat would start every 5 minutes are started every few seconds
(and a retry's 2-minute back-off is waited out). "duplicated" counts copies of an e-mail (same
recipient and subject); "new ids" counts copies that did not carry the first one's Message-ID.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "400"))
NUDGED = int(os.environ.get("BENCH_NUDGED", "191"))
FAULT_AFTER = int(os.environ.get("BENCH_FAULT_AFTER", "177"))
REPLIES = int(os.environ.get("BENCH_REPLIES", "230"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    import django

    django.setup()
    from django.db import connection

    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = str(ROOT / "var" / "bench-mail-faults.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        Bench().run()
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)


class Bench:
    def __init__(self):
        import redis
        from aiosmtpd.controller import Controller
        from django.conf import settings
        from django.db import connection

        from coursesite.celery import app
        from tests.mail.conftest import Inbox, _free_port

        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
        self.app = app
        self.inbox = Inbox()
        self.port = _free_port()
        self.Controller = Controller
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.tmp = ROOT / "var" / "bench-mail-faults"
        self.tmp.mkdir(parents=True, exist_ok=True)
        self.fault_flag = self.tmp / "db.fault"
        if connection.vendor == "sqlite":
            self.db_url = f"sqlite:///{connection.settings_dict['NAME']}"
        else:
            self.db_url = f"{os.environ['DATABASE_URL'].rsplit('/', 1)[0]}/{connection.settings_dict['NAME']}"
        self.workers = []
        self.rows = []

    # ------------------------------------------------------------------ parts

    def start_worker(self):
        from tests.mail.conftest import WorkerProcess

        env = {
            **os.environ, "DJANGO_SETTINGS_MODULE": "tests.mail.worker_settings", "DATABASE_URL": self.db_url,
            "TEST_SMTP_PORT": str(self.port), "TEST_DB_FAULT_FLAG": str(self.fault_flag) if "sqlite" in self.db_url else "",
        }
        self.started_workers = getattr(self, "started_workers", 0) + 1
        log = self.tmp / f"worker-{self.started_workers}.log"  # one each: "raised unexpected" is this worker's
        log.unlink(missing_ok=True)
        worker = WorkerProcess(env=env, log=log)
        self.workers.append(worker)
        return worker

    def stop_workers(self):
        for worker in self.workers:
            worker.kill()
        self.workers = []

    def beat(self, *, until, timeout=200.0, every=3.0):
        """Send the 5-minute sender run, every few seconds, until `until()` holds."""
        started = time.monotonic()
        while not until():
            if time.monotonic() - started > timeout:
                print("  (gave up waiting)")
                return
            self.app.send_task("reminders.send_pending")
            deadline = time.monotonic() + every
            while time.monotonic() < deadline and not until():
                time.sleep(0.1)

    def wait(self, condition, timeout=120.0):
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out")
            time.sleep(0.05)

    @staticmethod
    def pending() -> int:
        from reminders.models import Reminder

        return Reminder.objects.exclude(status__in=["sent", "skipped"]).count()

    # ------------------------------------------------------------------ data

    def decide(self) -> int:
        """400 "due soon" reminders through the real sweep, and 191 inactivity nudges; returns the e-mails expected."""
        from django.utils import timezone

        from accounts.models import User
        from courses.models import Course, Enrollment
        from reminders.models import Reminder
        from reminders.services import reminder_sweep
        from tests.factories import LessonFactory, quiz_from_gift

        Reminder.objects.all().delete()
        course = Course.objects.filter(slug="bench").first()
        if course is None:
            course = Course.objects.create(slug="bench", title="Banc d’essai")
            quiz_from_gift(LessonFactory(course=course, position=1), due_at=timezone.now() + datetime.timedelta(hours=30))
            User.objects.bulk_create([User(username=f"s{n}", email=f"s{n}@example.org") for n in range(STUDENTS)])
            Enrollment.objects.bulk_create([Enrollment(course=course, user=user) for user in User.objects.filter(username__startswith="s")])
        reminder_sweep()
        students = list(Enrollment.objects.filter(course=course).values_list("user_id", flat=True)[:NUDGED])
        Reminder.objects.bulk_create([
            Reminder(user_id=user_id, kind="inactivity", object_key=f"course:{course.pk}", window="bench",
                     context={"course": course.title, "url": "/courses/bench/", "since": "2026-11-20"})
            for user_id in students
        ])
        return Reminder.objects.filter(status="pending").count()

    def record(self, fault: str, expected: int, seconds: float) -> None:
        copies: dict[tuple, list] = {}
        for message in self.inbox.messages:
            copies.setdefault((message["To"], message["Subject"]), []).append(message["Message-ID"])
        arrived = len(self.inbox.messages)
        distinct = len(copies)
        new_ids = sum(len(set(ids)) - 1 for ids in copies.values())
        self.rows.append((fault, expected, arrived, arrived - distinct, new_ids, max(expected - distinct, 0), seconds))
        print(f"  {fault}: expected {expected}, arrived {arrived}, duplicated {arrived - distinct}, "
              f"with a new Message-ID {new_ids}, lost {max(expected - distinct, 0)}, {seconds:.0f} s")

    def reset(self) -> None:
        import redis
        from django.conf import settings

        self.stop_workers()
        redis.Redis.from_url(settings.CELERY_BROKER_URL).flushdb()
        self.inbox.messages.clear()
        self.inbox.release()

    # ------------------------------------------------------------------ faults

    def no_fault(self):
        expected = self.decide()
        started = time.monotonic()
        self.start_worker()
        self.beat(until=lambda: self.pending() == 0, every=30)
        self.record("no fault (baseline)", expected, time.monotonic() - started)

    def worker_killed(self):
        expected = self.decide()
        started = time.monotonic()
        self.inbox.hold(after=FAULT_AFTER, record=True)
        worker = self.start_worker()
        self.app.send_task("reminders.send_pending")
        self.wait(self.inbox.holding.is_set)
        worker.kill()
        self.inbox.release()
        self.start_worker()
        self.beat(until=lambda: self.pending() == 0)
        self.record(f"worker killed (kill -9) after {FAULT_AFTER} e-mails, a new worker started", expected, time.monotonic() - started)

    def smtp_down(self):
        expected = self.decide()
        started = time.monotonic()
        self.inbox.hold(after=FAULT_AFTER, record=False)
        self.start_worker()
        self.app.send_task("reminders.send_pending")
        self.wait(self.inbox.holding.is_set)
        self.controller.stop()  # down: connections dropped, new ones refused
        self.inbox.release()
        self.app.send_task("reminders.send_pending")  # the one beat run of the outage meets a closed port
        time.sleep(25)
        self.controller = self.Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        self.beat(until=lambda: self.pending() == 0, timeout=200, every=5)  # the first e-mail in flight waits its back-off
        self.record(f"SMTP server down 25 s after {FAULT_AFTER} e-mails, back on the same port", expected, time.monotonic() - started)

    def database_cut(self):
        from django.db import connection

        expected = self.decide()
        started = time.monotonic()
        self.inbox.hold(after=FAULT_AFTER, record=True)
        worker = self.start_worker()
        self.app.send_task("reminders.send_pending")
        self.wait(self.inbox.holding.is_set)
        if connection.vendor == "sqlite":
            self.fault_flag.touch()
        else:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
        self.inbox.release()
        self.wait(lambda: "raised unexpected" in worker.log.read_text())
        self.fault_flag.unlink(missing_ok=True)
        self.beat(until=lambda: self.pending() == 0)
        self.record(f"the worker's database connections terminated after {FAULT_AFTER} e-mails", expected, time.monotonic() - started)

    def broker_down(self):
        from django.utils import timezone

        from accounts.models import User
        from courses.models import Course
        from discussions.models import Thread
        from discussions.services import post_create
        from lessons.models import Lesson
        from reminders.models import Reminder

        self.decide()  # the cohort (its reminders are not sent here)
        Reminder.objects.all().delete()
        course = Course.objects.get(slug="bench")
        lesson = Lesson.objects.filter(course=course).first()
        users = list(User.objects.filter(username__startswith="s").order_by("pk"))
        followers = users[:REPLIES]
        # Fewer students than 2 × REPLIES: some answer two threads (well inside the posting limit).
        repliers = [users[REPLIES + n % (len(users) - REPLIES)] for n in range(REPLIES)]
        threads = []
        for follower in followers:
            thread = Thread.objects.create(lesson=lesson, author=follower, title=f"Question de {follower.username}", last_post_at=timezone.now())
            post_create(thread=thread, author=follower, body="Ma question")  # the author follows the thread
            threads.append(thread)
        self.start_worker()
        time.sleep(3)
        self.app.send_task("reminders.send_pending")  # what the set-up posts queued
        self.beat(until=lambda: self.pending() == 0)
        Reminder.objects.all().delete()
        self.inbox.messages.clear()
        time.sleep(3)
        self.app.control.purge()  # no run left queued: during the outage nothing sends

        started = time.monotonic()
        # Broker down for this process (the web): every publish is refused, as with Redis stopped.
        conf = self.app.conf
        saved = conf.broker_url, conf.broker_write_url, self.app._pool, self.app.amqp._producer_pool
        dead = "redis://127.0.0.1:1/0"
        conf.broker_url, conf.broker_write_url, self.app._pool, self.app.amqp._producer_pool = dead, dead, None, None
        for thread, replier in zip(threads, repliers, strict=True):
            post_create(thread=thread, author=replier, body=f"Réponse de {replier.username}")
        time.sleep(max(0.0, 20 - (time.monotonic() - started)))
        conf.broker_url, conf.broker_write_url, self.app._pool, self.app.amqp._producer_pool = saved
        self.app._pool, self.app.amqp._producer_pool = None, None
        print(f"  broker back after {time.monotonic() - started:.0f} s; {len(self.inbox.messages)} reply e-mails so far")
        # Back: the next 5-minute sender run batches the replies the posts could not queue.
        self.beat(until=lambda: len(self.inbox.messages) >= REPLIES and self.pending() == 0, timeout=60)
        self.record(f"broker down 20 s while {REPLIES} students post replies", REPLIES, time.monotonic() - started)

    def run(self):
        from django.db import connection

        print(f"{connection.vendor}: {STUDENTS} students, fault after {FAULT_AFTER} e-mails")
        try:
            faults = (self.no_fault, self.worker_killed, self.smtp_down, self.database_cut, self.broker_down)
            chosen = os.environ.get("BENCH_FAULTS", "")  # e.g. "broker_down,worker_killed"
            for fault in faults:
                if chosen and fault.__name__ not in chosen.split(","):
                    continue
                self.reset()
                fault()
        finally:
            self.stop_workers()
            self.controller.stop()
        print()
        print("| fault | expected | arrived | duplicated | with a new Message-ID | lost | seconds |")
        print("|---|---|---|---|---|---|---|")
        for row in self.rows:
            print("| " + " | ".join(str(v) if not isinstance(v, float) else f"{v:.0f}" for v in row) + " |")


if __name__ == "__main__":
    main()
