"""The studio people page is paginated with a search, so a course of 20,000 people is one page of
50, in a constant number of queries (issue 20: the whole list was 29 MB and 6.9 s)."""

from courses.models import Enrollment
from studio.selectors import PEOPLE_PER_PAGE
from tests.factories import EnrollmentFactory, UserFactory
from tests.studio.conftest import url


def test_the_people_page_shows_one_page_at_a_time(studio, prof, django_assert_num_queries):
    for n in range(PEOPLE_PER_PAGE + 5):
        EnrollmentFactory(course=studio["course"], user=UserFactory(last_name=f"Nom{n:03d}", email=f"p{n}@example.org"))
    total = Enrollment.objects.filter(course=studio["course"]).count()
    # Everyone here has activated their account: no invitation rows to read (with invited people: 11,
    # tests/studio/test_page_queries.py).
    with django_assert_num_queries(9):
        page = prof.get(url(studio, "people/")).content.decode()
    assert page.count('name="action" value="remove"') <= PEOPLE_PER_PAGE
    assert f"{total} personnes inscrites" in page and "Page 1 sur 2" in page
    second = prof.get(url(studio, "people/") + "?page=2").content.decode()
    assert "Page 2 sur 2" in second
    shown = page.count("@example.org</td>") + second.count("@example.org</td>")
    assert shown == Enrollment.objects.filter(course=studio["course"], user__email__endswith="@example.org").count()


def test_the_people_page_searches_names_addresses_and_groups(studio, prof):
    EnrollmentFactory(course=studio["course"], user=UserFactory(first_name="Élodie", last_name="Tremblay", email="elodie@example.org"))
    EnrollmentFactory(course=studio["course"], user=UserFactory(first_name="Luc", last_name="Roy", email="luc@example.org"), group="B2")
    for query, expected in [("tremblay", "elodie@example.org"), ("LUC@", "luc@example.org"), ("b2", "luc@example.org")]:
        page = prof.get(url(studio, "people/"), {"q": query}).content.decode()
        assert expected in page and "1 personne trouvée" in page, query
        other = ({"elodie@example.org", "luc@example.org"} - {expected}).pop()
        assert other not in page, query


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page(studio, prof):
    for page in ("999", "abc", "-1", "1e9"):
        assert prof.get(url(studio, "people/"), {"page": page}).status_code == 200
