"""`seed_demo` gives the cohort graded work, idempotently, through the quizzes' own grading."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from discussions.models import Post
from lessons.models import LessonProgress
from quizzes.models import Attempt, Quiz, Response
from quizzes.services import quiz_regrade

pytestmark = pytest.mark.django_db


def counts():
    return (
        Attempt.objects.count(), Response.objects.count(), Post.objects.filter(is_opening=False).count(),
        LessonProgress.objects.count(), get_user_model().objects.count(),
    )


def test_seed_demo_adds_graded_attempts_posts_and_reading_once(course, capsys):
    call_command("seed_demo", "--students", "12")
    first = counts()
    call_command("seed_demo", "--students", "12")

    assert counts() == first
    attempts, responses, posts, progress, _users = first
    assert attempts > 0 and responses > 0 and posts > 0 and progress > 0
    assert "Added 0 graded attempts (0 answers) and 0 posts." in capsys.readouterr().out.splitlines()


def test_seed_demo_leaves_etudiant1_with_nothing_done(course):
    call_command("seed_demo", "--students", "8")

    etudiant1 = get_user_model().objects.get(username="etudiant1")
    assert not Attempt.objects.filter(user=etudiant1).exists()
    assert not Post.objects.filter(author=etudiant1).exists()
    assert not LessonProgress.objects.filter(user=etudiant1).exists()


def test_seeded_scores_are_what_the_real_grading_gives(course):
    call_command("seed_demo", "--students", "10")

    # Regrading every quiz against its key changes no score: the seed graded with the same rules.
    for quiz in Quiz.objects.filter(lesson__course=course):
        assert quiz_regrade(quiz=quiz) == 0
    submitted = Attempt.objects.filter(status="submitted")
    assert submitted.exists() and not submitted.filter(score__isnull=True, needs_grading=False).exists()


def test_seed_demo_sets_lively_due_dates_and_keeps_existing_ones(course):
    quizzes = list(Quiz.objects.filter(lesson__course=course).order_by("lesson__position"))
    kept = quizzes[2]
    Quiz.objects.filter(pk=kept.pk).update(due_at="2030-01-15T12:00:00Z")

    call_command("seed_demo", "--students", "3")

    from django.utils import timezone

    now = timezone.now()
    dues = [q.due_at for q in Quiz.objects.filter(lesson__course=course).order_by("lesson__position")]
    assert all(dues)
    assert dues[2].isoformat().startswith("2030-01-15")
    # The first quiz is already past due, the second due within two days, the rest weekly.
    assert dues[0] < now and 24 <= (dues[1] - now).total_seconds() / 3600 <= 48
    assert (dues[4] - dues[3]).days == 7
