"""Studio pages cost the same number of queries for a small and a larger course (pinned)."""

import pytest
from django.test import Client

from courses.models import Enrollment
from courses.services import enrollments_bulk_create_from_csv
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

# Session and user, course access, then the page's own reads (see studio/selectors.py). The people page
# reads the invitations and their e-mails of the people not activated yet: two queries for any number.
PAGES = {
    "": 6,
    "lessons/": 5,
    # Paginated (its count, then the page), the enrolled ids and removals behind the "restore" list, the
    # page's invitations and their e-mails, and the course's not-yet-activated count.
    "people/": 11,
    "quizzes/premiere/": 7,
    "quizzes/premiere/settings/": 6,
    "lessons/premiere/": 7,
    "lessons/new/": 4,
    "scheme/": 5,
    "copy/": 4,
}


def build(size):
    first = LessonFactory(slug="premiere", position=1)
    course = first.course
    gift = "\n\n".join(f"::Q{n}:: Question {n} ? {{=oui ~non}}" for n in range(size))
    quiz_from_gift(first, gift)
    for position in range(2, size + 1):
        quiz_from_gift(LessonFactory(course=course, position=position), gift)
    instructor = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    EnrollmentFactory.create_batch(size * 3, course=course)
    # As many people invited (accounts created by the CSV enrolment) and not activated yet.
    enrollments_bulk_create_from_csv(course=course, csv_text="".join(f"invite{n}@example.org\n" for n in range(size)))
    client = Client()
    client.force_login(instructor)
    return course, client


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("path", sorted(PAGES))
def test_studio_pages_have_a_constant_query_count(db, django_assert_num_queries, size, path):
    course, client = build(size)
    with django_assert_num_queries(PAGES[path]):
        response = client.get(f"/courses/{course.slug}/studio/{path}")
    assert response.status_code == 200
