import pytest
from django.urls import reverse

from courses.models import Enrollment
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def course_pages(course):
    lesson = course.lessons.order_by("position").first()
    return [
        reverse("courses:detail", kwargs={"course": course.slug}),
        reverse("courses:progress", kwargs={"course": course.slug}),
        reverse("courses:lessons:detail", kwargs={"course": course.slug, "lesson": lesson.slug}),
    ]


def test_anonymous_visitor_is_sent_to_the_login_page(client, course):
    for url in [reverse("courses:my_courses"), *course_pages(course)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login") + "?next=")


def test_person_not_enrolled_gets_404_on_every_course_page(client, course):
    EnrollmentFactory()  # enrolled elsewhere only
    outsider = UserFactory()
    client.force_login(outsider)

    for url in course_pages(course):
        assert client.get(url).status_code == 404
    mark_read = reverse(
        "courses:lessons:read", kwargs={"course": course.slug, "lesson": course.lessons.first().slug}
    )
    assert client.post(mark_read).status_code == 404


@pytest.mark.parametrize("role", [Enrollment.Role.STUDENT, Enrollment.Role.TEACHING_ASSISTANT, Enrollment.Role.INSTRUCTOR])
def test_enrolled_people_open_every_course_page(client, course, role):
    member = EnrollmentFactory(course=course, role=role).user
    client.force_login(member)

    for url in course_pages(course):
        assert client.get(url).status_code == 200


def test_my_courses_lists_only_the_courses_i_am_enrolled_in(client, course):
    mine = EnrollmentFactory(role=Enrollment.Role.INSTRUCTOR)
    EnrollmentFactory(course=course, user=mine.user, role=Enrollment.Role.STUDENT)
    other = EnrollmentFactory()
    client.force_login(mine.user)

    page = client.get(reverse("courses:my_courses")).content.decode()

    assert course.title in page and mine.course.title in page
    assert other.course.title not in page


def test_one_person_can_teach_one_course_and_follow_another(course):
    from courses.selectors import course_access

    teaching = EnrollmentFactory(role=Enrollment.Role.INSTRUCTOR)
    EnrollmentFactory(course=course, user=teaching.user)

    assert course_access(user=teaching.user, slug=teaching.course.slug).is_instructor
    following = course_access(user=teaching.user, slug=course.slug)
    assert following.role == Enrollment.Role.STUDENT and not following.is_staff


def test_course_access_refuses_a_role_outside_the_ones_asked(course, student):
    from django.core.exceptions import PermissionDenied

    from courses.selectors import STAFF_ROLES, course_access

    with pytest.raises(PermissionDenied):
        course_access(user=student, slug=course.slug, roles=STAFF_ROLES)
