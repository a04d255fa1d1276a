"""The demo cohort of `seed_demo`: known accounts for trying the site, and load data for benchmarks."""

import os
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from courses.models import Course, Enrollment
from courses.services import instructor_admin_access_grant
from discussions.services import prompt_threads_sync
from lessons.models import Lesson, LessonProgress

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


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEFAULT_PASSWORD


@transaction.atomic
def demo_cohort_ensure(*, course: Course, students: int) -> DemoCohort:
    """Create `prof` and `etudiant1`…`etudiantN` with enrolments and reading progress; idempotent.

    Existing accounts keep what they have (their work is never reset); only
    missing rows are added, with bulk writes so a thousand students take seconds.
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

    enrolled = set(Enrollment.objects.filter(course=course, user_id__in=users.values()).values_list("user_id", flat=True))
    Enrollment.objects.bulk_create(
        [
            Enrollment(course=course, user_id=pk, role=Enrollment.Role.STUDENT, group=f"Groupe {1 + n % 2}")
            for n, pk in enumerate(users.values())
            if pk not in enrolled
        ],
        batch_size=1000,
    )

    # Reading progress: etudiant1 starts with nothing so a demo shows the bar moving; the others
    # have read a varying number of the first lessons. Only students new to the course get any.
    lessons = list(Lesson.objects.filter(course=course).order_by("position").values_list("pk", flat=True))
    now = timezone.now()
    new_progress = []
    for n, username in enumerate(usernames, start=1):
        if n == 1 or users[username] in enrolled:
            continue
        for offset, lesson_id in enumerate(lessons[: (n * 7) % (len(lessons) + 1)]):
            new_progress.append(
                LessonProgress(lesson_id=lesson_id, user_id=users[username], read_at=now - timezone.timedelta(days=20 - 3 * offset))
            )
    LessonProgress.objects.bulk_create(new_progress, batch_size=2000, ignore_conflicts=True)
    return DemoCohort(course=course, instructor=instructor, student_count=students, password=password)
