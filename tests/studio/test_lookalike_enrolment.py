"""The studio flags look-alike addresses on their line and enrols them once confirmed (issue 20)."""

from courses.models import Enrollment
from tests.studio.conftest import url
from tests.studio.test_settings_lessons_people import csv_upload

CYRILLIC_A = "\u0430"


def test_the_studio_flags_the_line_in_french_and_enrols_once_confirmed(studio, prof):
    text = f"anne@ex{CYRILLIC_A}mple.org,Anne,Roy\nluc@xn--exmple-4nf.org,Luc,Roy\n"
    data = {"csv-csv_file": csv_upload(text), "csv-role": "student", "csv-create_accounts": "on"}
    page = prof.post(url(studio, "people/"), data).content.decode()
    assert "Ligne 1" in page and "cette adresse mélange des alphabets" in page
    assert "Ligne 2" in page and "punycode" in page
    assert not Enrollment.objects.filter(course=studio["course"], user__last_name="Roy", user__first_name="Anne").exists()

    response = prof.post(url(studio, "people/"), {**data, "csv-csv_file": csv_upload(text), "csv-confirm_look_alikes": "on"})
    assert response.status_code == 302
    assert Enrollment.objects.filter(course=studio["course"], user__first_name__in=["Anne", "Luc"], user__last_name="Roy").count() == 2


def test_enrolling_one_look_alike_address_needs_the_confirmation_too(studio, prof):
    data = {"one-email": f"anne@ex{CYRILLIC_A}mple.org", "one-role": "student", "one-create_accounts": "on"}
    page = prof.post(url(studio, "people/"), data).content.decode()
    assert "cette adresse mélange des alphabets" in page.lower()
    assert prof.post(url(studio, "people/"), {**data, "one-confirm_look_alikes": "on"}).status_code == 302


def test_an_enrolled_look_alike_address_is_flagged_on_the_people_page(studio, prof):
    from tests.factories import EnrollmentFactory, UserFactory

    EnrollmentFactory(course=studio["course"], user=UserFactory(email=f"anne@ex{CYRILLIC_A}mple.org"))
    page = prof.get(url(studio, "people/")).content.decode()
    assert page.count('data-testid="look-alike"') == 1
