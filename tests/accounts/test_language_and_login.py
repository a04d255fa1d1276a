import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_interface_is_french_by_default(client, student):
    client.force_login(student)

    page = client.get(reverse("courses:my_courses")).content.decode()

    assert '<html lang="fr-ca">' in page
    assert "Mes cours" in page


def test_language_switch_shows_english_and_remembers_it_on_the_account(client, student):
    client.force_login(student)

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("courses:my_courses")})

    assert response.status_code == 302
    page = client.get(reverse("courses:my_courses")).content.decode()
    assert '<html lang="en">' in page and "My courses" in page and "Mes cours" not in page
    student.refresh_from_db()
    assert student.preferred_language == "en"


def test_login_page_is_in_french_and_logs_in(client, student):
    page = client.get(reverse("login")).content.decode()
    assert "Se connecter" in page and "Nom d’utilisateur" in page

    response = client.post(reverse("login"), {"username": student.username, "password": PASSWORD})

    assert response.status_code == 302 and response.url == reverse("courses:my_courses")


def test_wrong_password_keeps_the_username_and_says_what_is_wrong(client, student):
    response = client.post(reverse("login"), {"username": student.username, "password": "nope"})

    page = response.content.decode()
    assert response.status_code == 200
    assert f'value="{student.username}"' in page
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page


def test_password_reset_sends_a_french_link(client, student):
    response = client.post(reverse("password_reset"), {"email": student.email})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "Choisissez un nouveau mot de passe" in mail.outbox[0].subject
    assert "/accounts/reset/" in mail.outbox[0].body


def test_logout_is_a_post_and_ends_the_session(client, student):
    client.force_login(student)

    client.post(reverse("logout"))

    assert client.get(reverse("courses:my_courses")).status_code == 302


def test_an_english_browser_still_opens_in_french(client, student):
    client.force_login(student)

    page = client.get(reverse("courses:my_courses"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()

    assert "Mes cours" in page


def test_account_preference_applies_on_a_new_device(client, student):
    student.preferred_language = "en"
    student.save()
    client.force_login(student)

    assert "My courses" in client.get(reverse("courses:my_courses")).content.decode()
