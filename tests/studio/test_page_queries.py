"""Studio pages cost the same number of queries for a small and a larger course (pinned)."""

import pytest
from django.test import Client

from courses.models import Enrollment
from tests.factories import EnrollmentFactory, LessonFactory, quiz_from_gift

# Session and user, course access, then the page's own reads (see studio/selectors.py).
PAGES = {
    "": 6,
    "lessons/": 5,
    "people/": 8,  # paginated (its count, then the page) and the enrolled ids behind the "restore" list
    "quizzes/premiere/": 7,
    "quizzes/premiere/settings/": 6,
    "lessons/premiere/": 7,
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
    client = Client()
    client.force_login(instructor)
    return course, client


@pytest.mark.parametrize("size", [2, 12])
@pytest.mark.parametrize("path", sorted(PAGES))
def test_studio_pages_have_a_constant_query_count(db, django_assert_max_num_queries, size, path):
    course, client = build(size)
    with django_assert_max_num_queries(PAGES[path]):
        response = client.get(f"/courses/{course.slug}/studio/{path}")
    assert response.status_code == 200
