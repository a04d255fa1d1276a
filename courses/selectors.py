"""Reads about courses, and the one permission-checked way to open a course.

Every view that shows something of a course goes through `course_access`: it
is the single place that decides who may see what, so it is written once and
tested hard (tests/courses/test_access.py).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from courses.models import Course, Enrollment

Role = Enrollment.Role
STAFF_ROLES = (Role.INSTRUCTOR, Role.TEACHING_ASSISTANT)


@dataclass(frozen=True)
class CourseAccess:
    course: Course
    role: str

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_instructor(self) -> bool:
        return self.role == Role.INSTRUCTOR


def course_access(*, user, slug: str, roles: tuple[str, ...] | None = None) -> CourseAccess:
    """Return the course and the user's role in it, in one query.

    Not enrolled (or anonymous) raises Http404, so a stranger cannot even learn
    that the course exists; enrolled with a role outside `roles` raises
    PermissionDenied. Superusers act as instructors everywhere.
    """
    if not user.is_authenticated:
        raise Http404
    if user.is_superuser:
        try:
            course = Course.objects.get(slug=slug)
        except Course.DoesNotExist:
            raise Http404 from None
        role = Role.INSTRUCTOR
    else:
        enrollment = Enrollment.objects.select_related("course").filter(user=user, course__slug=slug).first()
        if enrollment is None:
            raise Http404
        course, role = enrollment.course, enrollment.role
    if roles is not None and role not in roles:
        raise PermissionDenied
    return CourseAccess(course=course, role=role)


def courses_for_user(*, user) -> QuerySet[Enrollment]:
    """The user's enrolments with their course, for the "my courses" page."""
    return Enrollment.objects.filter(user=user).select_related("course").order_by("course__title")


def course_lead_instructor(*, course: Course):
    """The first instructor enrolled, in whose name the course's prompts are posted; None before any."""
    enrollment = (
        Enrollment.objects.filter(course=course, role=Role.INSTRUCTOR).select_related("user").order_by("created_at", "pk").first()
    )
    return enrollment.user if enrollment else None
