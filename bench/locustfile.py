"""The student journey for bench/load.py: log in, open the course, a lesson, its quiz, the discussion, progress.

`floor` requests /livez, a view that does nothing, through the same middleware:
the framework's floor that each page's latency is compared with.
"""

import itertools
import os
import random
import re

from locust import HttpUser, between, task

COURSE = os.environ.get("BENCH_COURSE", "marketing-numerique")
PASSWORD = os.environ.get("DEMO_PASSWORD", "demo1234")
STUDENTS = int(os.environ.get("BENCH_STUDENT_ACCOUNTS", "60"))
_numbers = itertools.cycle(range(1, STUDENTS + 1))


class Student(HttpUser):
    wait_time = between(0.5, 2)

    def on_start(self):
        username = f"etudiant{next(_numbers)}"
        page = self.client.get("/accounts/login/", name="login form")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/accounts/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{self.host}/accounts/login/"},
            name="login",
        )
        course = self.client.get(f"/courses/{COURSE}/", name="course")
        self.lessons = sorted(set(re.findall(rf'/courses/{COURSE}/lessons/([a-z0-9-]+)/"', course.text)))
        lesson = self.client.get(f"/courses/{COURSE}/lessons/{self.lessons[0]}/", name="lesson")
        self.threads = sorted(set(re.findall(rf"/courses/{COURSE}/discussion/(\d+)/", lesson.text))) or ["0"]

    @task(4)
    def read_lesson(self):
        self.client.get(f"/courses/{COURSE}/lessons/{random.choice(self.lessons)}/", name="lesson")

    @task(2)
    def course_page(self):
        self.client.get(f"/courses/{COURSE}/", name="course")

    @task(2)
    def quiz_start(self):
        self.client.get(f"/courses/{COURSE}/lessons/{random.choice(self.lessons)}/quiz/", name="quiz start")

    @task(2)
    def thread(self):
        self.client.get(f"/courses/{COURSE}/discussion/{random.choice(self.threads)}/", name="thread")

    @task(1)
    def discussion(self):
        self.client.get(f"/courses/{COURSE}/lessons/{random.choice(self.lessons)}/discussion/", name="discussion")

    @task(1)
    def progress(self):
        self.client.get(f"/courses/{COURSE}/progress/", name="progress")

    @task(3)
    def floor(self):
        self.client.get("/livez", name="floor")
