"""What an instructor's weekly digest says about a course."""

from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.urls import reverse

from django.utils.translation import gettext_lazy as _

from accounts.selectors import never_activated_q
from courses.models import Enrollment
from discussions.models import Post, Thread
from gradebook.selectors import quiz_statistics_for, students_at_risk
from gradebook.standings import standings_fresh_frame
from quizzes.models import Attempt, Quiz
from reminders.signals import instructor_digest_extras


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
    not_activated = Enrollment.objects.filter(never_activated_q("user__"), course=course).exclude(role=Enrollment.Role.INSTRUCTOR).count()
    return {
        "not_activated": not_activated,
        "people_url": reverse("courses:studio:people", kwargs={"course": course.slug}),
        "course": course.title,
        "gradebook_url": _gradebook_url(course),
        "submissions": submissions,
        "at_risk": at_risk,
        "flagged_questions": flagged,
        "unanswered_threads": unanswered,
        **instructor_digest_extras(course=course, now=now),  # the apps above: questions the class forgets
    }


def _gradebook_url(course) -> str:
    return reverse("courses:gradebook:index", kwargs={"course": course.slug})


FLAG_LABELS = {
    "negative_discrimination": _("negative discrimination"),
    "too_hard": _("too hard"),
    "too_easy": _("too easy"),
}


def _gradebook_view(course) -> tuple[list[dict], list[dict]]:
    """Students at risk and questions the item analysis flags, as the gradebook computes them."""
    at_risk = [
        {"name": row.user.display_name, "reason": ", ".join(row.risk_labels)}
        for row in students_at_risk(course=course, frame=standings_fresh_frame(course=course))
    ]
    flagged = []
    for quiz in Quiz.objects.filter(lesson__course=course).select_related("lesson").order_by("lesson__position"):
        for item in quiz_statistics_for(quiz=quiz).items:
            if item.flags:
                flagged.append(
                    {"quiz": quiz.lesson.title, "title": item.question.title, "reason": ", ".join(str(FLAG_LABELS[f]) for f in item.flags)}
                )
    return at_risk, flagged
