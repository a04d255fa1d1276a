"""The one rule for a student's "last activity" in a course, used by the gradebook's at-risk flag
(through the kept standings) and by the reminders' inactivity nudge.

Last activity is the latest of: a lesson of the course read, an attempt at one of its quizzes
started or submitted (previews excluded), an answer saved in an attempt still open, a post
written in its discussions (even if later deleted or hidden: writing it was activity) and the
last login. A student is idle since the later of that and their enrolment (someone enrolled
yesterday has not been idle for a week), and inactive when idle for more than INACTIVE_AFTER.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest

from discussions.models import Post
from lessons.models import LessonProgress
from quizzes.models import Attempt, Response

INACTIVE_AFTER = timedelta(days=7)
ACTIVITY_FIELDS = ("last_read_at", "last_started_at", "last_submitted_at", "last_saved_at", "last_post_at")


def _latest_subquery(queryset, field: str) -> Subquery:
    """The latest non-empty `field` of a queryset filtered on OuterRef: an indexed lookup per student."""
    return Subquery(queryset.filter(**{f"{field}__isnull": False}).order_by(f"-{field}").values(field)[:1])


def activity_annotations() -> dict[str, Subquery]:
    """The moments behind the rule, as annotations of an `Enrollment` queryset (one subquery each)."""
    user, course = OuterRef("user_id"), OuterRef("course_id")
    attempts = Attempt.objects.filter(user_id=user, quiz__lesson__course_id=course, is_preview=False)
    return {
        "last_read_at": _latest_subquery(LessonProgress.objects.filter(user_id=user, lesson__course_id=course), "read_at"),
        "last_started_at": _latest_subquery(attempts, "started_at"),
        "last_submitted_at": _latest_subquery(attempts, "submitted_at"),
        "last_saved_at": _latest_subquery(
            Response.objects.filter(
                attempt__user_id=user, attempt__quiz__lesson__course_id=course, attempt__is_preview=False,
                attempt__status=Attempt.Status.IN_PROGRESS,
            ),
            "saved_at",
        ),
        "last_post_at": _latest_subquery(Post.objects.filter(author_id=user, thread__lesson__course_id=course), "created_at"),
    }


def latest(*moments) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def last_activity_of(enrollment) -> datetime | None:
    """Last activity of an enrolment annotated with `activity_annotations()` (its user loaded)."""
    return latest(*(getattr(enrollment, name) for name in ACTIVITY_FIELDS), enrollment.user.last_login)


def idle_since_of(*, last_activity: datetime | None, enrolled_at: datetime) -> datetime:
    return latest(last_activity, enrolled_at)


def is_inactive(*, idle_since: datetime, now: datetime) -> bool:
    return idle_since < now - INACTIVE_AFTER


def idle_since_annotation():
    """`idle_since_of` as one SQL expression on an `Enrollment` queryset (for sweeps that filter on it).

    Each moment falls back to the enrolment, so a missing one never hides the others
    (GREATEST ignores NULLs on PostgreSQL but returns NULL on SQLite).
    """
    floor = F("created_at")
    moments = [Coalesce(subquery, floor) for subquery in activity_annotations().values()]
    return Greatest(*moments, Coalesce(F("user__last_login"), floor), floor)
