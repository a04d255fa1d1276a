"""Throttles on the account pages: password-reset e-mails and the login lockout."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def reset(client, email, address="198.51.100.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_password_reset_emails_are_limited_per_address_with_the_same_answer(client):
    user = UserFactory()
    answers = [reset(client, user.email) for _ in range(6)]

    assert len(mail.outbox) == 3
    assert {(a.status_code, a["Location"]) for a in answers} == {(302, reverse("password_reset_done"))}


def test_password_reset_limit_per_address_ignores_capitals(client):
    user = UserFactory()
    for email in (user.email, user.email.upper(), user.email.title(), f" {user.email} ", user.email):
        reset(client, email)

    assert len(mail.outbox) == 3


def test_password_reset_emails_are_limited_per_ip(client):
    users = UserFactory.create_batch(22)
    answers = [reset(client, user.email, address="203.0.113.9") for user in users]

    assert len(mail.outbox) == 20
    assert {a.status_code for a in answers} == {302}
    # Another address is not affected.
    reset(client, users[-1].email, address="203.0.113.10")
    assert len(mail.outbox) == 21


def test_an_overlong_username_gets_the_normal_login_error(client):
    response = client.post(reverse("login"), {"username": "u" * 300, "password": "mauvais"})

    assert response.status_code == 200
    assert "caractères" in response.content.decode() or "valides" in response.content.decode()


def login(client, username, password, address, forwarded=None):
    extra = {"REMOTE_ADDR": address}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def test_behind_a_proxy_a_stranger_cannot_lock_a_student_out(client, settings):
    """Everyone comes from the proxy's address; the configured header names the real client."""
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    student = EnrollmentFactory().user
    for _ in range(6):
        login(client, student.username, "mauvais", "10.0.0.2", forwarded="198.51.100.66")

    response = login(client, student.username, PASSWORD, "10.0.0.2", forwarded="192.0.2.10")

    assert response.status_code == 302
    assert login(client, student.username, PASSWORD, "10.0.0.2", forwarded="198.51.100.66").status_code == 429


def test_the_proxy_header_is_ignored_unless_configured(client, settings):
    """Off by default: a forged X-Forwarded-For must not let an attacker rotate addresses."""
    student = EnrollmentFactory().user
    for n in range(6):
        login(client, student.username, "mauvais", "198.51.100.66", forwarded=f"192.0.2.{n}")

    assert login(client, student.username, PASSWORD, "198.51.100.66", forwarded="192.0.2.200").status_code == 429


def test_a_forged_leftmost_forwarded_address_is_not_trusted(client, settings):
    """The proxy appends the address it saw: only the rightmost entry is the proxy's word."""
    settings.CLIENT_IP_HEADER = "X-Forwarded-For"
    student = EnrollmentFactory().user
    for n in range(6):
        login(client, student.username, "mauvais", "10.0.0.2", forwarded=f"192.0.2.{n}, 198.51.100.66")

    assert login(client, student.username, PASSWORD, "10.0.0.2", forwarded="198.51.100.66").status_code == 429
