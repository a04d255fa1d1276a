"""Several nodes, one of the workers killed: every reminder, invitation and LTI score is sent exactly once.

Two web nodes (gunicorn processes on two ports) and two Celery worker processes share the test PostgreSQL
database and the test Redis, as `make serve-cluster` runs them. Students log in and submit their quiz on either
node, the instructor invites people from both; a worker is `kill -9`ed while it holds an e-mail the SMTP server
has not accepted. The far ends (the SMTP server, the test LMS) then count what arrived.

PostgreSQL only: several processes writing one database at once is what the outbox's row locks
(`select_for_update(skip_locked=True)`) are for, and SQLite has no row locks; CI runs this on PostgreSQL.
"""

import datetime
import time
from collections import Counter

import pytest
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from coursesite.content_import import course_content_import
from courses.models import Enrollment
from lti.models import LtiScore, LtiUserLink
from lti.services import platform_register
from quizzes.models import Quiz
from reminders.models import Reminder
from reminders.services import reminder_sweep
from tests.conftest import SEEDS_DIR
from tests.factories import EnrollmentFactory
from tests.lti.test_launch import QUIZ_LESSON, launch
from tests.mail.conftest import wait_until

pytestmark = [
    pytest.mark.processes,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="several processes on one database: PostgreSQL"
    ),
]

STUDENTS = 6
INVITED = [f"invite{n}@example.org" for n in range(4)]
PASSWORD = "cluster-pass-1"


class Browser:
    """A person's session against one node, as a browser would hold it (the session is a database row, so it
    would work on the other node too)."""

    def __init__(self, node):
        self.node = node
        self.http = requests.Session()

    def post(self, path: str, data: dict | None = None) -> requests.Response:
        token = self.http.cookies.get("csrftoken")
        response = self.http.post(f"{self.node.url}{path}", data={**(data or {}), "csrfmiddlewaretoken": token},
                                  allow_redirects=False, timeout=30)
        assert response.status_code in (200, 302), (path, response.status_code, response.text[:500])
        return response

    def log_in(self, username: str) -> "Browser":
        self.http.get(f"{self.node.url}/accounts/login/", timeout=30)
        response = self.post("/accounts/login/", {"username": username, "password": PASSWORD})
        assert response.status_code == 302, response.text[:500]
        return self

    def submit_quiz(self, course_slug: str) -> None:
        started = self.post(reverse("courses:quizzes:start", kwargs={"course": course_slug, "lesson": QUIZ_LESSON}))
        attempt_path = started.headers["Location"]  # the attempt's page: …/attempts/<id>/
        submitted = self.post(f"{attempt_path}submit/")
        assert submitted.headers["Location"].endswith("/result/")


def test_every_reminder_invitation_and_lti_score_is_sent_once_across_two_nodes_and_a_killed_worker(
    smtp_inbox, start_worker, start_nodes, lms, client, celery_app
):
    course = course_content_import(directory=SEEDS_DIR).lessons.course
    instructor = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    platform_register(course=course, actor=instructor, deployment_ids=lms.deployment_id, **lms.registration)
    for n in range(STUDENTS):  # each student arrives from the LMS once: an account linked to the LMS's grades
        launch(client, lms, sub=f"student-{n}", custom={"lesson": QUIZ_LESSON, "target": "quiz"})
        client.logout()
    students = [link.user for link in LtiUserLink.objects.select_related("user").order_by("sub")]
    assert len(students) == STUDENTS
    for user in [instructor, *students]:
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    # One other quiz is due in 30 hours: the sweep decides one reminder per student (its commit nudges the workers).
    Quiz.objects.update(due_at=None)
    other = Quiz.objects.filter(lesson__course=course).exclude(lesson__slug=QUIZ_LESSON).first()
    Quiz.objects.filter(pk=other.pk).update(due_at=timezone.now() + datetime.timedelta(hours=30))
    assert len(reminder_sweep().decided) == STUDENTS

    # The third e-mail reaches the server, which holds it unanswered: its sender is killed before « accepted ».
    smtp_inbox.hold(after=2, record=False)
    overrides = {"LTI_ALLOW_PRIVATE_ADDRESSES": "1", "DJANGO_SETTINGS_MODULE": "tests.cluster.node_settings"}
    workers = {name: start_worker(NODE_NAME=name, **overrides) for name in ("worker1", "worker2")}
    nodes = start_nodes(2, LTI_ALLOW_PRIVATE_ADDRESSES="1")

    teacher = Browser(nodes[0]).log_in(instructor.username)
    people = reverse("courses:studio:people", kwargs={"course": course.slug})
    first_half, second_half = students[: STUDENTS // 2], students[STUDENTS // 2:]
    for n, student in enumerate(first_half):
        Browser(nodes[n % 2]).log_in(student.username).submit_quiz(course.slug)
    teacher.post(people, {"one-email": INVITED[0], "one-role": "student", "one-create_accounts": "on"})

    wait_until(smtp_inbox.holding.is_set, what="a worker to reach the held e-mail", log=workers["worker1"].log)
    killed = workers[smtp_inbox.held_by]
    killed.kill()  # kill -9, mid-run: its rows' locks go with its database connection
    smtp_inbox.release()  # the server drops the e-mail it held: nothing of it arrived

    # The other half lands on both nodes while one worker is left; the teacher's session moves node too.
    teacher.node = nodes[1]
    for n, student in enumerate(second_half):
        Browser(nodes[n % 2]).log_in(student.username).submit_quiz(course.slug)
    for address in INVITED[1:]:
        teacher.post(people, {"one-email": address, "one-role": "student", "one-create_accounts": "on"})

    expected_mail = {student.email for student in students} | set(INVITED)

    nudged = [0.0]

    def all_sent() -> bool:
        # What the 5-minute beat does, every 2 s here: another run of each outbox (the killed worker's never finished).
        if time.monotonic() - nudged[0] > 2:
            celery_app.send_task("reminders.send_pending")
            celery_app.send_task("lti.send_due_scores")
            nudged[0] = time.monotonic()
        return (
            set(smtp_inbox.by_recipient()) == expected_mail
            and len(lms.scores) >= STUDENTS
            and not Reminder.objects.exclude(status=Reminder.Status.SENT).exists()
            and not LtiScore.objects.exclude(status=LtiScore.Status.SENT).exists()
        )

    survivor = next(worker for worker in workers.values() if worker is not killed)
    wait_until(all_sent, timeout=25, what="every e-mail and score to arrive", log=survivor.log)

    assert smtp_inbox.by_recipient() == {address: 1 for address in expected_mail}
    assert smtp_inbox.duplicates() == []
    assert Counter(score["userId"] for score in lms.scores) == {f"student-{n}": 1 for n in range(STUDENTS)}
    assert get_user_model().objects.filter(email__in=INVITED).count() == len(INVITED)
