"""The exam hour: N students log in, start the same timed quiz within a minute, autosave, submit, read the result.

    make serve            # in one terminal (PostgreSQL + Redis + gunicorn + Celery)
    make bench-exam       # in another: BENCH_STUDENTS=300 (default) or 1000, BENCH_URL=http://127.0.0.1:8000

Before the run it prepares, through Django on the server's database (`DATABASE_URL`, the default
of scripts/serve.sh), a dedicated course `bench-exam`: one lesson whose quiz has 11 multiple-choice
questions and a 30-minute limit, the accounts `bench1` … `benchN` (one shared password hash) and an
LTI context in which every student has a membership, so each graded attempt owes the LMS a score.
Attempts, cards, standings and scores of earlier runs are wiped first: every run starts the same.

Each student waits a random moment of the first `BENCH_RAMP` seconds (60), logs in, starts the quiz
(POST, then the quiz page), autosaves `BENCH_AUTOSAVES` times (5) every 10–20 s with one more answer
each time, submits and opens the result. A sampler hits /livez (a view that does nothing, through
the whole middleware) twice a second all along: the framework's floor under the same load, which
each step's p95 is compared with. After the bell (the last submit) it polls the database until every
standing equals a from-scratch computation (`gradebook_rows`), every submitted attempt has its review
cards, and every student has an LTI score queued, and prints how long that took.

Why asyncio + aiohttp and not locust: one process, one thread, no greenlet per user; at 1,000
students locust's gevent users cost this 2-core machine a core of their own, which the server
then lacks. The generator prints its own CPU share so the figures can be read with it.

Bounded: loopback URLs only, at most 2,000 students, and the run stops after `BENCH_MAX_SECONDS` (900).
"""

import asyncio
import os
import random
import re
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

URL = os.environ.get("BENCH_URL", "http://127.0.0.1:8000").rstrip("/")
STUDENTS = int(os.environ.get("BENCH_STUDENTS", "300"))
RAMP = float(os.environ.get("BENCH_RAMP", "60"))
AUTOSAVES = int(os.environ.get("BENCH_AUTOSAVES", "5"))
AUTOSAVE_EVERY = (float(os.environ.get("BENCH_AUTOSAVE_MIN", "10")), float(os.environ.get("BENCH_AUTOSAVE_MAX", "20")))
REQUEST_TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "60"))
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "900"))
SETTLE_SECONDS = float(os.environ.get("BENCH_SETTLE_SECONDS", "300"))
MAX_STUDENTS = 2000
COURSE, LESSON, PREFIX, PASSWORD = "bench-exam", "examen", "bench", "bench-exam-1234"
QUESTIONS = 11
STEPS = ("login", "start", "quiz page", "autosave", "submit", "result")
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


# --- Preparing the course (Django, on the server's database) --------------------------------------------------


def django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coursesite.settings")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/coursesite")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("HTTPS", "0")
    if not os.environ.get("SECRET_KEY") and (ROOT / "var" / "secret_key").exists():
        os.environ["SECRET_KEY"] = (ROOT / "var" / "secret_key").read_text().strip()
    import django

    django.setup()


def gift_text() -> str:
    blocks = []
    for n in range(1, QUESTIONS + 1):
        blocks.append(f"::Q{n}:: Question {n} de l'examen : quelle réponse est la bonne ? {{=Bonne {n} ~Mauvaise A{n} ~Mauvaise B{n} ~Mauvaise C{n}}}")
    return "\n\n".join(blocks) + "\n"


def prepare(students: int) -> None:
    """The bench course, its quiz and N students, with every trace of an earlier run wiped."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import transaction

    from courses.models import Course, Enrollment
    from gradebook.models import Standing
    from gradebook.standings import standings_rebuild
    from lessons.models import Lesson
    from lti.models import LtiContext, LtiDeployment, LtiMembership, LtiPlatform, LtiScore, LtiUserLink
    from quizzes.models import Attempt, Quiz
    from quizzes.services import quiz_import_gift
    from review.models import Card

    User = get_user_model()
    with transaction.atomic():
        course, _ = Course.objects.get_or_create(slug=COURSE, defaults={"title": "Banc d'essai : l'heure de l'examen"})
        lesson, _ = Lesson.objects.get_or_create(
            course=course, slug=LESSON, defaults={"title": "Examen", "position": 1, "summary": "Examen minuté."}
        )
        quiz_import_gift(lesson=lesson, text=gift_text(), record=False)
        Quiz.objects.filter(lesson=lesson).update(
            time_limit_minutes=30, max_attempts=None, opens_at=None, due_at=None, shuffle_questions=True, shuffle_choices=True
        )
        quiz = Quiz.objects.get(lesson=lesson)
        Attempt.objects.filter(quiz=quiz).delete()
        Card.objects.filter(course=course).delete()
        LtiScore.objects.filter(quiz=quiz).delete()
        Standing.objects.filter(course=course).delete()

        hashed = make_password(PASSWORD)  # one hash for all: hashing N passwords would take minutes
        names = [f"{PREFIX}{n}" for n in range(1, students + 1)]
        existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
        User.objects.bulk_create(
            [User(username=name, first_name="Étudiant", last_name=name, email=f"{name}@example.org", password=hashed)
             for name in names if name not in existing],
            batch_size=1000,
        )
        User.objects.filter(username__in=names).update(password=hashed)
        users = dict(User.objects.filter(username__in=names).values_list("username", "pk"))
        enrolled = set(Enrollment.objects.filter(course=course).values_list("user_id", flat=True))
        Enrollment.objects.bulk_create(
            [Enrollment(course=course, user_id=pk, role=Enrollment.Role.STUDENT) for pk in users.values() if pk not in enrolled],
            batch_size=1000,
        )
        # An LMS that is not there (the discard port): scores are queued and wait, as during an LMS outage.
        nowhere = "http://127.0.0.1:9"
        platform, _ = LtiPlatform.objects.get_or_create(
            course=course, issuer=f"{nowhere}/lms",
            defaults={"name": "LMS du banc", "client_id": "bench", "auth_login_url": f"{nowhere}/auth",
                      "auth_token_url": f"{nowhere}/token", "key_set_url": f"{nowhere}/jwks"},
        )
        deployment, _ = LtiDeployment.objects.get_or_create(platform=platform, deployment_id="bench")
        context, _ = LtiContext.objects.get_or_create(
            platform=platform, deployment=deployment, context_id="bench", course=course,
            defaults={"title": "Banc", "lineitems_url": f"{nowhere}/lineitems",
                      "ags_scopes": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"]},
        )
        linked = set(LtiUserLink.objects.filter(platform=platform).values_list("user_id", flat=True))
        LtiUserLink.objects.bulk_create(
            [LtiUserLink(platform=platform, issuer=platform.issuer, sub=f"sub-{pk}", user_id=pk)
             for pk in users.values() if pk not in linked],
            batch_size=1000,
        )
        links = LtiUserLink.objects.filter(platform=platform, user_id__in=users.values())
        members = set(LtiMembership.objects.filter(context=context).values_list("user_link_id", flat=True))
        LtiMembership.objects.bulk_create(
            [LtiMembership(context=context, user_link_id=pk) for pk in links.values_list("pk", flat=True) if pk not in members],
            batch_size=1000,
        )
    standings_rebuild(course=course)


def consistency() -> dict[str, int]:
    """How many students are not yet where a from-scratch computation puts them (0 everywhere: consistent)."""
    from django.db.models import Count

    from courses.models import Course
    from gradebook.models import Standing
    from gradebook.selectors.computed import gradebook_rows
    from gradebook.selectors.frame import gradebook_frame
    from gradebook.standings import grade_to_json
    from lti.models import LtiScore
    from quizzes.models import Attempt, Response
    from review.models import Card

    course = Course.objects.get(slug=COURSE)
    submitted = list(
        Attempt.objects.filter(quiz__lesson__course=course, status=Attempt.Status.SUBMITTED, is_preview=False)
        .values_list("pk", "user_id")
    )
    users = {user_id for _pk, user_id in submitted}
    expected_cards = dict(
        Response.objects.filter(attempt_id__in=[pk for pk, _u in submitted], fraction__isnull=False)
        .values("attempt__user_id").annotate(n=Count("pk")).values_list("attempt__user_id", "n")
    )
    cards = dict(Card.objects.filter(course=course).values("user_id").annotate(n=Count("pk")).values_list("user_id", "n"))
    scored = set(LtiScore.objects.filter(quiz__lesson__course=course).values_list("user_link__user_id", flat=True))
    kept = {s.user_id: s for s in Standing.objects.filter(course=course)}
    wrong_standings = 0
    for row in gradebook_rows(course=course, frame=gradebook_frame(course=course)).rows:
        standing = kept.get(row.enrollment.user_id)
        fresh = grade_to_json(row.grade)
        if standing is None or any(getattr(standing, name) != value for name, value in fresh.items()):
            wrong_standings += 1
    return {
        "submitted": len(submitted),
        "standings off": wrong_standings,
        "cards missing": sum(1 for user_id in users if cards.get(user_id, 0) < expected_cards.get(user_id, 0)),
        "LTI scores missing": len(users - scored),
    }


# --- The load ----------------------------------------------------------------------------------------------


class Stats:
    def __init__(self):
        self.times: dict[str, list[float]] = {step: [] for step in (*STEPS, "floor")}
        self.errors: dict[str, int] = {step: 0 for step in (*STEPS, "floor")}
        self.error_samples: list[str] = []
        self.results_reached = 0
        self.bell = 0.0

    def error(self, step: str, what: str) -> None:
        self.errors[step] += 1
        if len(self.error_samples) < 10:
            self.error_samples.append(f"{step}: {what}")


async def timed(stats: Stats, step: str, request, expect: tuple[int, ...]):
    """Send one request; record its time, or an error when the status is not one expected (or it failed)."""
    import aiohttp

    started = time.perf_counter()
    try:
        async with request() as response:
            body = await response.text()
            elapsed = (time.perf_counter() - started) * 1000
            if response.status not in expect:
                stats.error(step, f"HTTP {response.status} {body[:120]!r}")
                return None
            stats.times[step].append(elapsed)
            return response, body
    except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
        stats.error(step, f"{type(exc).__name__}: {exc}")
        return None


def _csrf(session) -> str:
    for cookie in session.cookie_jar:
        if cookie.key == "csrftoken":
            return cookie.value
    return ""


async def student(n: int, stats: Stats, connector, start_at: float) -> None:
    import aiohttp

    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(base_url=URL, connector=connector, connector_owner=False, timeout=timeout,
                                     cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        form = await timed(stats, "login", lambda: session.get("/accounts/login/"), (200,))
        if form is None:
            return
        stats.times["login"].pop()  # the form is not the login: only the POST below counts
        headers = {"X-CSRFToken": _csrf(session), "Referer": f"{URL}/accounts/login/"}
        done = await timed(stats, "login", lambda: session.post(
            "/accounts/login/", data={"username": f"{PREFIX}{n}", "password": PASSWORD}, headers=headers,
            allow_redirects=False), (302,))
        if done is None:
            return
        headers = {"X-CSRFToken": _csrf(session), "Referer": f"{URL}/"}
        started = await timed(stats, "start", lambda: session.post(
            f"/courses/{COURSE}/lessons/{LESSON}/quiz/", headers=headers, allow_redirects=False), (302,))
        if started is None:
            return
        take_url = started[0].headers.get("Location", "")
        match = re.search(r"/attempts/(\d+)/", take_url)
        if not match:
            stats.error("start", f"redirected to {take_url!r}")
            return
        attempt = match.group(1)
        page = await timed(stats, "quiz page", lambda: session.get(take_url), (200,))
        if page is None:
            return
        # Each question's first choice in page order: right or wrong depending on the shuffle, as a class answers.
        choices: dict[str, str] = {}
        for name, value in re.findall(r'type="radio" name="(q-\d+)" id="[^"]+" value="([^"]+)"', page[1]):
            choices.setdefault(name, value)
        names = sorted(choices)
        base = f"/courses/{COURSE}/attempts/{attempt}"
        for save in range(AUTOSAVES):
            await asyncio.sleep(random.uniform(*AUTOSAVE_EVERY))
            answered = names[: max(1, (save + 1) * len(names) // max(AUTOSAVES, 1))]
            await timed(stats, "autosave", lambda: session.post(
                f"{base}/autosave/", data={name: choices[name] for name in answered}, headers=headers,
                allow_redirects=False), (200,))
        submitted = await timed(stats, "submit", lambda: session.post(f"{base}/submit/", headers=headers, allow_redirects=False), (302,))
        stats.bell = max(stats.bell, time.monotonic())
        if submitted is None:
            return
        result = await timed(stats, "result", lambda: session.get(f"{base}/result/"), (200,))
        if result is not None:
            stats.results_reached += 1


async def floor_sampler(stats: Stats, connector, stop: asyncio.Event) -> None:
    import aiohttp

    async with aiohttp.ClientSession(base_url=URL, connector=connector, connector_owner=False,
                                     timeout=aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)) as session:
        while not stop.is_set():
            await timed(stats, "floor", lambda: session.get("/livez"), (200,))
            await asyncio.sleep(0.5)


async def run(stats: Stats) -> float:
    import aiohttp

    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    stop = asyncio.Event()
    sampler = asyncio.create_task(floor_sampler(stats, connector, stop))
    began = time.monotonic()
    students = [asyncio.create_task(student(n, stats, connector, began + random.uniform(0, RAMP))) for n in range(1, STUDENTS + 1)]
    try:
        await asyncio.wait_for(asyncio.gather(*students), timeout=MAX_SECONDS)
    except asyncio.TimeoutError:
        print(f"Stopped after {MAX_SECONDS:.0f} s (BENCH_MAX_SECONDS): the figures below are of an unfinished run.")
    stop.set()
    await sampler
    await connector.close()
    return time.monotonic() - began


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def report(stats: Stats, wall: float, cpu: float) -> int:
    floor95 = percentile(stats.times["floor"], 0.95)
    total = sum(len(times) for step, times in stats.times.items() if step != "floor")
    print(f"\n{STUDENTS} students started within {RAMP:.0f} s, {AUTOSAVES} autosaves each, against {URL}; {wall:.0f} s in all")
    print(f"{'step':<11}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}{'p95/floor':>11}")
    for step in (*STEPS, "floor"):
        times = stats.times[step]
        p50 = statistics.median(times) if times else float("nan")
        p95, p99 = percentile(times, 0.95), percentile(times, 0.99)
        ratio = p95 / floor95 if floor95 and floor95 == floor95 else float("nan")
        print(f"{step:<11}{len(times):>7}{p50:>9.0f}{p95:>9.0f}{p99:>9.0f}{stats.errors[step]:>8}{ratio:>11.1f}")
    errors = sum(count for step, count in stats.errors.items() if step != "floor")
    print(f"throughput: {total / wall:.1f} req/s ({total} student requests); errors: {errors}")
    print(f"students who reached their result: {stats.results_reached} of {STUDENTS}")
    print(f"load generator CPU: {cpu:.1f} s = {100 * cpu / wall:.1f} % of one core, "
          f"{100 * cpu / wall / (os.cpu_count() or 1):.1f} % of this {os.cpu_count()}-core machine")
    for sample in stats.error_samples:
        print(f"  error sample: {sample}")
    return 1 if errors or stats.results_reached < STUDENTS else 0


def settle(bell: float) -> None:
    """Poll until standings, cards and LTI scores all match a from-scratch computation; print how long it took."""
    from django.db import close_old_connections

    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        close_old_connections()
        state = consistency()
        lagging = {name: count for name, count in state.items() if name != "submitted" and count}
        if not lagging:
            print(f"after the bell: consistent {max(0.0, time.monotonic() - bell):.1f} s after the last submit "
                  f"({state['submitted']} submitted attempts; every standing, review card and LTI score checked)")
            return
        if time.monotonic() > deadline:
            print(f"after the bell: NOT consistent after {SETTLE_SECONDS:.0f} s: {lagging}")
            return
        time.sleep(1)


def main() -> int:
    host = urlparse(URL).hostname or ""
    if urlparse(URL).scheme != "http" or not (host in LOOPBACK or host.startswith("127.")):
        print(f"bench/exam.py only targets this machine (loopback http), not {URL}.")
        return 2
    if not 1 <= STUDENTS <= MAX_STUDENTS:
        print(f"BENCH_STUDENTS must be between 1 and {MAX_STUDENTS}.")
        return 2
    import urllib.request

    try:
        urllib.request.urlopen(f"{URL}/livez", timeout=3)
    except OSError:
        print(f"No server at {URL}: start it with `make serve` first.")
        return 2
    django_setup()
    print(f"Preparing the course “{COURSE}” with {STUDENTS} students…")
    prepare(STUDENTS)
    stats = Stats()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu_before = usage.ru_utime + usage.ru_stime
    wall = asyncio.run(run(stats))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    status = report(stats, wall, usage.ru_utime + usage.ru_stime - cpu_before)
    settle(stats.bell)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
