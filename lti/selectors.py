"""Reads for the LTI pages and the score sender."""

from django.db.models import QuerySet
from django.utils import timezone

from courses.models import Course
from gradebook.computation import AttemptScore, Category, ManualWork, item_key, late_penalized, manual_item_grade
from gradebook.models import GradeOverride, ManualGrade
from gradebook.selectors import grading_scheme_for
from lti.models import LtiContext, LtiPlatform, LtiRegistrationToken, LtiScore, LtiToolKey, LtiUserLink
from quizzes.models import Attempt, Quiz
from quizzes.selectors import quiz_grade_percent

def tool_jwks() -> dict:
    """The public half of every key kept: the active one and those retired within the grace period.

    `lti_rotate_keys` deletes retired keys once the grace period is over.
    """
    return {"keys": list(LtiToolKey.objects.order_by("-is_active", "-created_at").values_list("public_jwk", flat=True))}


def platforms_for_course(*, course: Course) -> QuerySet[LtiPlatform]:
    return LtiPlatform.objects.filter(course=course).prefetch_related("deployments").order_by("name")


def contexts_for_course(*, course: Course) -> QuerySet[LtiContext]:
    return LtiContext.objects.filter(course=course).select_related("platform").order_by("title", "pk")


def scores_failed_for_course(*, course: Course) -> QuerySet[LtiScore]:
    """Scores an LMS refused for good, with the reason, for the instructor's "send again"."""
    return (
        LtiScore.objects.filter(context__course=course, status=LtiScore.Status.FAILED)
        .select_related("context", "quiz__lesson", "manual_item", "user_link__user")
        .order_by("-updated_at")
    )


def duplicate_accounts_for_course(*, course: Course) -> QuerySet[LtiUserLink]:
    """LMS accounts created without their e-mail because another account had it: a duplicate to look at."""
    return (
        LtiUserLink.objects.filter(platform__course=course).exclude(claimed_email="")
        .select_related("user", "platform").order_by("claimed_email")
    )


def registration_tokens_for_course(*, course: Course) -> QuerySet[LtiRegistrationToken]:
    """The dynamic registration URLs of this course still usable (not spent, not expired)."""
    return LtiRegistrationToken.objects.filter(
        course=course, used_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def quiz_score_percent(*, quiz: Quiz, user_id: int):
    """The quiz cell of our gradebook (0–100), which the LMS column mirrors; None while nothing counts.

    The instructor's override wins; otherwise the quiz's grading method over the
    submitted attempts, each late one reduced by the course's late penalty, as
    the gradebook computes it (`gradebook.computation.quiz_percent`).
    """
    override = (
        GradeOverride.objects.filter(
            course_id=quiz.lesson.course_id, student_id=user_id, item_key=item_key(Category.QUIZ, quiz.lesson_id)
        )
        .values_list("value", flat=True)
        .first()
    )
    if override is not None:
        return override
    penalty = grading_scheme_for(course=quiz.lesson.course).late_penalty_percent
    attempts = [
        late_penalized(AttemptScore(
            number=a.number, score=a.score, max_score=a.max_score, is_late=a.is_late, needs_grading=a.needs_grading,
            is_submitted=a.is_submitted, is_preview=a.is_preview,
        ), penalty)
        for a in Attempt.objects.filter(quiz=quiz, user_id=user_id)
    ]
    return quiz_grade_percent(attempts=attempts, method=quiz.grading_method)


def manual_score_percent(*, item, user_id: int):
    """A manual grade item's cell of our gradebook (points over the maximum, 0–100); None while not entered."""
    points = ManualGrade.objects.filter(item=item, student_id=user_id).values_list("points", flat=True).first()
    if points is None:
        return None
    return manual_item_grade(ManualWork(
        item_id=item.pk, category="", weight=item.weight, max_points=item.max_points, is_past_due=False, points=points,
    )).value


def scores_due(*, now, limit: int = 200) -> list[int]:
    return list(
        LtiScore.objects.filter(status=LtiScore.Status.PENDING, next_try_at__lte=now)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
