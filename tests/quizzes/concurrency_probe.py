"""Parallel identical requests (a double click, a retried submit), each thread on its own database connection.

`parallel_requests` runs inside any process whose database every thread can
reach (PostgreSQL in pytest, or the file-backed SQLite database this module
builds when run as a script). Run as a script, it creates a throw-away SQLite
*file* test database, the embedded default's real setting: pytest's in-memory
SQLite shares one cache between threads and would not show "database is locked".

    python -m tests.quizzes.concurrency_probe start|submit DB_FILE   # prints one JSON object
"""

import json
import os
import sys
import threading
from pathlib import Path

THREADS = 10
GIFT = "\n\n".join(f"::Q{n}:: Choix {n} ? {{=Bon ~Mauvais ~Autre}}" for n in range(5))


def parallel_requests(what: str, threads: int = THREADS) -> dict:
    """`threads` identical POSTs at once: "start" the quiz, or "submit" one attempt answered right.

    Returns each answer's status and redirect target, and what the database holds afterwards.
    """
    from django.db import close_old_connections
    from django.test import Client
    from django.urls import reverse

    from quizzes.models import Attempt
    from quizzes.services import attempt_save, attempt_start
    from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

    lesson = LessonFactory()
    quiz = quiz_from_gift(lesson, GIFT)
    learner = EnrollmentFactory(course=lesson.course).user
    course = lesson.course.slug
    if what == "start":
        url = reverse("courses:quizzes:start", kwargs={"course": course, "lesson": lesson.slug})
    else:
        attempt = attempt_start(quiz=quiz, user=learner)
        attempt_save(
            attempt_id=attempt.pk,
            answers={str(q.pk): q.data["answers"][0]["id"] for q in quiz.questions.all()},
        )
        url = reverse("courses:quizzes:confirm", kwargs={"course": course, "attempt": attempt.pk})
    clients = []
    for _n in range(threads):
        client = Client(raise_request_exception=False)
        client.force_login(learner)
        clients.append(client)
    close_old_connections()
    barrier = threading.Barrier(threads)
    answers = []

    def post(client):
        try:
            barrier.wait()
            response = client.post(url)
            answers.append({"status": response.status_code, "location": response.get("Location", "")})
        finally:
            close_old_connections()

    workers = [threading.Thread(target=post, args=(client,)) for client in clients]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    attempts = list(Attempt.objects.filter(quiz=quiz, user=learner).values("number", "status", "score", "max_score"))
    return {
        "answers": answers,
        "attempts": [{**a, "score": None if a["score"] is None else str(a["score"]), "max_score": str(a["max_score"])} for a in attempts],
    }


def main() -> None:
    what, db_file = sys.argv[1], sys.argv[2]
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings_test")
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    connection.settings_dict["TEST"]["NAME"] = db_file
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(json.dumps(parallel_requests(what)))
    finally:
        connection.creation.destroy_test_db(db_file, verbosity=0)


if __name__ == "__main__":
    main()
