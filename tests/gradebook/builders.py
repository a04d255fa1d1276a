"""Small worlds for the gradebook tests: a course with lessons, quizzes, prompts and students whose
work is written directly (bulk inserts), so a test states exactly the scores it expects.

Writing directly skips the write services, which keep the gradebook's standings up to date:
each builder then refreshes the standings it touched, as the service would (`kept_up`). A test
that changes rows by hand calls `kept_up` itself. The kept standings' own tests
(`test_kept_standings.py`) go through the real services instead."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from courses.models import Enrollment
from gradebook.standings import standings_refresh
from discussions.models import Post, Thread
from lessons.models import LessonProgress
from quizzes.models import Attempt, Quiz
from tests.factories import CourseFactory, DiscussionPromptFactory, EnrollmentFactory, LessonFactory, quiz_from_gift

TEN_QUESTIONS = "\n\n".join(f"::Q{n}:: Question {n} ? {{=Bon ~Mauvais ~Autre}}" for n in range(10))


def kept_up(course, *users):
    """Refresh the kept standings of these students (all of the course's without any), as a write service would."""
    standings_refresh(course=course, user_ids=[u.pk for u in users] if users else None)


def _course_of(lesson):
    return lesson.course


def course_with_lessons(lessons=2, prompts=3, due_in=(timedelta(days=-1), timedelta(days=7)), course=None):
    """A course whose lesson k has `prompts` prompt threads and a 10-question quiz due `due_in[k]` from now."""
    course = course or CourseFactory()
    instructor = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    now = timezone.now()
    made = []
    for position in range(1, lessons + 1):
        lesson = LessonFactory(course=course, position=position)
        for prompt in DiscussionPromptFactory.create_batch(prompts, lesson=lesson):
            thread = Thread.objects.create(lesson=lesson, prompt=prompt, author=instructor, title=prompt.title, last_post_at=now)
            Post.objects.create(thread=thread, author=instructor, is_opening=True, body=prompt.body, body_html=prompt.body)
        due = due_in[position - 1] if position - 1 < len(due_in) else None
        quiz_from_gift(lesson, TEN_QUESTIONS, due_at=(now + due) if due is not None else None, max_attempts=None)
        made.append(lesson)
    return course, instructor, made


def student(course, group="", **user_fields):
    """A student of the course; `user_fields` set the account (first_name="Hélène"…)."""
    fields = {f"user__{name}": value for name, value in user_fields.items()}
    return EnrollmentFactory(course=course, group=group, **fields).user


def attempt(lesson, user, score, *, number=1, late=False, needs_grading=False, max_score=10, status="submitted", when=None):
    """A submitted attempt of the lesson's quiz with `score` out of `max_score` (no responses needed)."""
    when = when or timezone.now()
    made = Attempt.objects.create(
        quiz=Quiz.objects.get(lesson=lesson), user=user, number=number, status=status,
        submitted_at=when if status == "submitted" else None, started_at=when - timedelta(minutes=10),
        score=Decimal(score) if score is not None else None, max_score=Decimal(max_score),
        is_late=late, needs_grading=needs_grading,
    )
    kept_up(_course_of(lesson), user)
    return made


def answer_prompts(lesson, user, count, *, when=None):
    """Posts by `user` in the first `count` prompt threads of the lesson."""
    threads = Thread.objects.filter(lesson=lesson, prompt__isnull=False).order_by("prompt__position")[:count]
    posts = [Post(thread=t, author=user, body="Ma réponse", body_html="<p>Ma réponse</p>") for t in threads]
    Post.objects.bulk_create(posts)
    if when:
        Post.objects.filter(pk__in=[p.pk for p in posts]).update(created_at=when)
    kept_up(_course_of(lesson), user)
    return posts


def read(lesson, user, when=None):
    progress = LessonProgress.objects.create(lesson=lesson, user=user, read_at=when or timezone.now())
    kept_up(_course_of(lesson), user)
    return progress


def bulk_class(course, lessons, size):
    """`size` students with reading, one attempt per quiz and prompt answers, in a handful of bulk inserts."""
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"bulk{n}-{course.pk}", first_name="Élise", last_name=f"Nom{n}", email=f"b{n}@example.org") for n in range(size)]
    )
    Enrollment.objects.bulk_create(
        [Enrollment(course=course, user=u, role=Enrollment.Role.STUDENT, group=f"G{n % 2}") for n, u in enumerate(users)]
    )
    now = timezone.now()
    LessonProgress.objects.bulk_create([LessonProgress(lesson=l, user=u, read_at=now) for u in users for l in lessons])
    quizzes = list(Quiz.objects.filter(lesson__in=lessons))
    Attempt.objects.bulk_create(
        [
            Attempt(quiz=q, user=u, number=1, status="submitted", submitted_at=now, score=Decimal(n % 11), max_score=Decimal(10))
            for n, u in enumerate(users) for q in quizzes
        ]
    )
    threads = list(Thread.objects.filter(lesson__in=lessons, prompt__isnull=False))
    Post.objects.bulk_create(
        [Post(thread=t, author=u, body="Oui", body_html="<p>Oui</p>") for n, u in enumerate(users) for t in threads[: n % 4]]
    )
    kept_up(course)
    return users
