"""The demo cohort of `seed_demo`: known accounts for trying the site, and load data for benchmarks.

Students get reading progress, graded quiz attempts and answers to the discussion prompts,
written with bulk inserts (a thousand students in seconds) and graded by the quizzes' own rules
(`quizzes.grading.grade_response`), so the gradebook shows what real attempts would give.
"""

import os
import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from courses.models import Course, Enrollment
from courses.services import instructor_admin_access_grant
from courses.signals import student_work_changed
from coursesite.progress import Progress, progress_none
from discussions.models import Post, Thread
from discussions.rendering import render_markdown
from discussions.services import prompt_threads_sync
from lessons.models import Lesson, LessonProgress
from quizzes import grading
from quizzes.models import Attempt, Question, Quiz, Response
from quizzes.services import FRACTION_PLACES, SCORE_PLACES
from review.demo import review_demo_ensure

DEMO_INSTRUCTOR = "prof"
DEMO_STUDENT_PREFIX = "etudiant"
DEFAULT_PASSWORD = "demo1234"
FIRST_NAMES = ["Camille", "Louis", "Léa", "Félix", "Rosalie", "Thomas", "Chloé", "William", "Maëlle", "Émile"]
LAST_NAMES = ["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie", "Fortin", "Gagné"]


@dataclass(frozen=True)
class DemoCohort:
    course: Course
    instructor: object
    student_count: int
    password: str
    work: dict


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


DEMO_STEPS = 6  # accounts, enrolments, reading, quiz attempts and posts, standings, review cards


@transaction.atomic
def demo_cohort_ensure(*, course: Course, students: int, progress: Progress = progress_none) -> DemoCohort:
    """Create `prof` and `etudiant1`…`etudiantN` with enrolments, reading, attempts and posts; idempotent.

    Existing accounts keep what they have (their work is never reset); only
    missing rows are added, with bulk writes so a thousand students take seconds. `progress` is told of
    each of the `DEMO_STEPS` steps done.
    """
    User = get_user_model()
    password = demo_password()
    # One hash for every demo account: hashing is deliberately slow, and they share the password.
    hashed = make_password(password)

    instructor, created = User.objects.get_or_create(
        username=DEMO_INSTRUCTOR,
        defaults={"first_name": "Hélène", "last_name": "Bergeron", "email": "prof@example.org", "password": hashed},
    )
    if not created and not instructor.check_password(password):
        instructor.password = hashed
        instructor.save(update_fields=["password"])
    instructor_admin_access_grant(user=instructor)
    Enrollment.objects.update_or_create(course=course, user=instructor, defaults={"role": Enrollment.Role.INSTRUCTOR})
    for lesson in Lesson.objects.filter(course=course):
        prompt_threads_sync(lesson=lesson, author=instructor)

    usernames = [f"{DEMO_STUDENT_PREFIX}{n}" for n in range(1, students + 1)]
    existing = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
    User.objects.bulk_create(
        [
            User(
                username=username,
                first_name=FIRST_NAMES[n % len(FIRST_NAMES)],
                last_name=LAST_NAMES[(n // len(FIRST_NAMES)) % len(LAST_NAMES)],
                email=f"{username}@example.org",
                password=hashed,
            )
            for n, username in enumerate(usernames, start=1)
            if username not in existing
        ],
        batch_size=500,
    )
    # The three accounts printed by `make run` always accept the current demo password.
    for account in User.objects.filter(username__in=usernames[:3]):
        if not account.check_password(password):
            account.password = hashed
            account.save(update_fields=["password"])
    users = dict(User.objects.filter(username__in=usernames).values_list("username", "pk"))
    progress(1)

    enrolled = set(Enrollment.objects.filter(course=course, user_id__in=users.values()).values_list("user_id", flat=True))
    Enrollment.objects.bulk_create(
        [
            Enrollment(course=course, user_id=pk, role=Enrollment.Role.STUDENT, group=f"Groupe {1 + n % 2}")
            for n, pk in enumerate(users.values())
            if pk not in enrolled
        ],
        batch_size=1000,
    )
    # The cohort "joined" a month ago, so students idle for a week show up as at risk in a demo
    # (a student enrolled today is never idle for a week).
    Enrollment.objects.filter(course=course, user_id__in=[pk for pk in users.values() if pk not in enrolled]).update(
        created_at=timezone.now() - timedelta(days=30)
    )
    progress(1)

    # Reading progress: etudiant1 starts with nothing so a demo shows the bar moving; the others
    # have read a varying number of the first lessons. Only students new to the course get any.
    lessons = list(Lesson.objects.filter(course=course).order_by("position").values_list("pk", flat=True))
    now = timezone.now()
    new_progress = []
    for n, username in enumerate(usernames, start=1):
        if n == 1 or users[username] in enrolled:
            continue
        for offset, lesson_id in enumerate(lessons[: lessons_read(n, len(lessons))]):
            new_progress.append(LessonProgress(lesson_id=lesson_id, user_id=users[username], read_at=read_moment(n, offset, len(lessons), now)))
    LessonProgress.objects.bulk_create(new_progress, batch_size=2000, ignore_conflicts=True)
    progress(1)
    # etudiant1 gets no work either: a demo starts from an empty standing.
    work = demo_work_ensure(course=course, students=[(n, users[u]) for n, u in enumerate(usernames, start=1) if n > 1], now=now)
    progress(1)
    # Everything above was bulk-inserted: the gradebook's kept standings follow in one go.
    student_work_changed(course_id=course.pk, user_ids=[pk for pk in users.values() if pk not in enrolled])
    progress(1)
    work |= review_demo_ensure(course=course, user_ids=[users[u] for u in usernames[1:]], now=now)
    progress(1)
    return DemoCohort(course=course, instructor=instructor, student_count=students, password=password, work=work)


# --------------------------------------------------------------------------- the cohort's work
#
# Every decision below (how much a student read, which quizzes they took, what they answered,
# which prompts they answered) is a function of the student's number and the object's id, never
# of a random state: running the command again makes the same decisions, finds the rows there and
# adds nothing.


def lessons_read(n: int, lesson_count: int) -> int:
    """How many of the first lessons student n has read (0 for some: they show up as at risk)."""
    return (n * 7) % (lesson_count + 1)


def _days_idle(n: int) -> int:
    # 0–11 days since the student's last action: about a third of the class idle for over a week.
    return (n * 5) % 12


def read_moment(n: int, offset: int, lesson_count: int, now):
    """When student n read their offset-th lesson: three days apart, the last one `_days_idle` days ago."""
    read = max(1, lessons_read(n, lesson_count))
    return now - timedelta(days=_days_idle(n) + 3 * (read - 1 - offset), hours=2)


def _ability(n: int) -> float:
    """Chance of answering a question right: 0.35–0.95, spread over the class."""
    return 0.35 + 0.6 * ((n * 37) % 100) / 100


def quiz_due_dates_ensure(*, course: Course, now=None) -> int:
    """Due dates that make a lively demo; dates already set (by an instructor) are kept.

    Lesson 1's quiz fell due two days ago (late work accepted: overdue reminders),
    lesson 2's is due in about 36 hours (due-soon reminders), the others follow
    weekly. With a start date on the course, lesson k is due k weeks after it.
    """
    now = now or timezone.now()
    zone = ZoneInfo(course.time_zone)
    tonight = timezone.localtime(now, zone).replace(hour=23, minute=59, second=0, microsecond=0)
    changed = 0
    quizzes = Quiz.objects.filter(lesson__course=course).select_related("lesson").order_by("lesson__position")
    for k, quiz in enumerate(quizzes, start=1):
        if course.starts_on:
            due = datetime.combine(course.starts_on, time(23, 59), tzinfo=zone) + timedelta(weeks=k)
        elif k == 1:
            due = tonight - timedelta(days=2)
        elif k == 2:
            due = now + timedelta(hours=36)
        else:
            due = tonight + timedelta(weeks=k - 2)
        if quiz.due_at is None and (quiz.opens_at is None or quiz.opens_at < due):
            changed += Quiz.objects.filter(pk=quiz.pk, due_at__isnull=True).update(due_at=due)
    return changed


def _answer(question: Question, right: bool, rng: random.Random):
    """An answer a student could have given: the best one when `right`, a plausible wrong one otherwise."""
    data = question.data or {}
    answers = data.get("answers", [])
    kind = question.type
    if kind == Question.Type.MULTICHOICE:
        ranked = sorted(answers, key=lambda a: a.get("fraction", 0), reverse=True)
        return ranked[0]["id"] if right or len(ranked) == 1 else rng.choice(ranked[1:])["id"]
    if kind == Question.Type.MULTICHOICE_MULTI:
        good = [a["id"] for a in answers if a.get("fraction", 0) > 0]
        if right:
            return good
        picked = [a["id"] for a in answers if rng.random() < 0.5]
        return [a["id"] for a in answers if a["id"] in picked] or good[:1]
    if kind == Question.Type.TRUEFALSE:
        correct = "true" if data.get("correct") else "false"
        return correct if right else ("false" if correct == "true" else "true")
    if kind == Question.Type.SHORTANSWER:
        best = next((a["text"] for a in answers if a.get("fraction", 0) >= 1 and a.get("text") != "*"), None)
        return best if right and best else "je ne sais pas"
    if kind == Question.Type.NUMERICAL:
        best = next((a for a in answers if a.get("fraction", 0) >= 1 and a.get("value") != "*"), None)
        if right and best:
            value = (best["min"] + best["max"]) / 2 if "min" in best else best["value"]
            return f"{value:g}".replace(".", ",")
        return "0"
    if kind == Question.Type.MATCHING:
        stems = [(sid, answer) for sid, (stem, answer) in zip(data.get("pair_ids", []), data.get("pairs", [])) if stem]
        if right:
            return {sid: answer for sid, answer in stems}
        options = [answer for _sid, answer in stems]
        rng.shuffle(options)
        return {sid: option for (sid, _answer), option in zip(stems, options)}
    if kind == Question.Type.ESSAY:
        return "Selon le texte, l’effet de réseau augmente la valeur du service avec chaque nouvel utilisateur."
    return None


def _layout(questions: list[Question]) -> dict:
    """The attempt's page in question order, without shuffling (the result page reads it)."""
    choices = {}
    for question in questions:
        if question.type in (Question.Type.MULTICHOICE, Question.Type.MULTICHOICE_MULTI):
            choices[str(question.pk)] = [a["id"] for a in question.data.get("answers", [])]
        elif question.type == Question.Type.MATCHING:
            choices[str(question.pk)] = sorted({answer for _stem, answer in question.data.get("pairs", [])})
    return {"questions": [q.pk for q in questions], "choices": choices}


def _graded_attempt(*, quiz: Quiz, questions: list[Question], user_id: int, number: int, ability: float, rng, submitted_at):
    """An Attempt and its Responses (unsaved), graded by the quizzes' own grading rules."""
    layout = _layout(questions)
    gradable = [q for q in questions if q.gives_points]
    max_score = sum((q.points for q in gradable), Decimal(0))
    responses, total, pending = [], Decimal(0), False
    for question in gradable:
        answer = _answer(question, rng.random() < ability, rng)
        if question.is_graded_by_hand:
            pending = True
            responses.append(Response(question=question, answer=answer, saved_at=submitted_at))
            continue
        fraction = Decimal(str(grading.grade_response({"type": question.type, **question.data}, answer).fraction or 0))
        fraction = fraction.quantize(FRACTION_PLACES, rounding=ROUND_HALF_UP)
        score = (question.points * fraction).quantize(SCORE_PLACES, rounding=ROUND_HALF_UP)
        total += score
        responses.append(Response(question=question, answer=answer, saved_at=submitted_at, fraction=fraction, score=score))
    attempt = Attempt(
        quiz=quiz, user_id=user_id, number=number, status=Attempt.Status.SUBMITTED,
        started_at=submitted_at - timedelta(minutes=12 + rng.randrange(20)), submitted_at=submitted_at,
        is_late=bool(quiz.due_at and submitted_at > quiz.due_at), layout=layout,
        score=min(total, max_score), max_score=max_score, needs_grading=pending,
    )
    return attempt, responses


POST_BODIES = [
    "Je retiens surtout l’idée que **la confiance** se construit avant la vente.",
    "Dans mon entreprise, nous faisons exactement l’inverse : beaucoup de *push*, peu d’écoute.",
    "L’exemple du texte m’a fait penser à LinkedIn : la valeur vient du réseau, pas du profil.",
    "Je ne suis pas convaincu : le texte généralise à partir de quelques cas.",
    "Bonne question ! Pour moi, la réciprocité est le principe le plus sous-estimé.",
    "Voici comment je l’appliquerais :\n\n- écouter le besoin\n- proposer un contenu utile\n- relancer sans insister",
]


def demo_work_ensure(*, course: Course, students: list[tuple[int, int]], now=None) -> dict:
    """Quiz attempts, prompt answers and due dates for the demo students (number, user id); idempotent.

    A student takes the quiz of each lesson they read (most of the time), some a second time,
    and answers some of the lesson's prompts. Nothing is added where the student already has
    an attempt of that quiz or a post in that thread, so real demo work is never doubled.
    """
    now = now or timezone.now()
    quiz_due_dates_ensure(course=course, now=now)
    lessons = list(Lesson.objects.filter(course=course).order_by("position"))
    quizzes = {q.lesson_id: q for q in Quiz.objects.filter(lesson__in=lessons)}
    questions: dict[int, list[Question]] = {}
    for question in Question.objects.filter(quiz__in=quizzes.values(), is_active=True).order_by("position"):
        questions.setdefault(question.quiz_id, []).append(question)
    threads: dict[int, list[Thread]] = {}
    for thread in Thread.objects.filter(lesson__in=lessons, prompt__isnull=False).order_by("prompt__position"):
        threads.setdefault(thread.lesson_id, []).append(thread)
    user_ids = [pk for _n, pk in students]
    attempted = set(
        Attempt.objects.filter(quiz__in=quizzes.values(), user_id__in=user_ids, is_preview=False).values_list("quiz_id", "user_id")
    )
    posted = set(
        Post.objects.filter(thread__lesson__in=lessons, author_id__in=user_ids, is_opening=False).values_list("thread_id", "author_id")
    )
    rendered = {body: render_markdown(body) for body in POST_BODIES}

    attempts, responses, posts, post_dates = [], [], [], []
    for n, user_id in students:
        ability = _ability(n)
        for offset, lesson in enumerate(lessons[: lessons_read(n, len(lessons))]):
            read_at = read_moment(n, offset, len(lessons), now)
            quiz = quizzes.get(lesson.pk)
            # One generator per decision, so skipping one (already there) never shifts another.
            rng = random.Random(f"quiz:{n}:{lesson.pk}")
            if quiz and questions.get(quiz.pk) and (quiz.pk, user_id) not in attempted and rng.random() < 0.9:
                tries = 2 if rng.random() < 0.2 and (quiz.max_attempts or 2) >= 2 else 1
                for number in range(1, tries + 1):
                    submitted_at = min(now, read_at + timedelta(hours=1 + number))
                    attempt, rows = _graded_attempt(
                        quiz=quiz, questions=questions[quiz.pk], user_id=user_id, number=number,
                        ability=min(0.98, ability + 0.1 * (number - 1)), rng=rng, submitted_at=submitted_at,
                    )
                    attempts.append(attempt)
                    responses.append(rows)
            for thread in threads.get(lesson.pk, []):
                if (thread.pk, user_id) in posted or random.Random(f"post:{n}:{thread.pk}").random() > ability * 0.8:
                    continue
                body = POST_BODIES[(n + thread.pk) % len(POST_BODIES)]
                posts.append(Post(thread=thread, author_id=user_id, body=body, body_html=rendered[body]))
                post_dates.append(min(now, read_at + timedelta(minutes=30 + thread.pk % 60)))

    Attempt.objects.bulk_create(attempts, batch_size=1000)
    for attempt, rows in zip(attempts, responses):
        for row in rows:
            row.attempt = attempt
    Response.objects.bulk_create([row for rows in responses for row in rows], batch_size=5000)
    Post.objects.bulk_create(posts, batch_size=1000)
    # created_at is auto_now_add, which bulk_create fills with "now"; the demo wants the reading's day.
    for post, created_at in zip(posts, post_dates):
        post.created_at = created_at
    Post.objects.bulk_update(posts, ["created_at"], batch_size=1000)
    return {"attempts": len(attempts), "responses": sum(len(rows) for rows in responses), "posts": len(posts)}
