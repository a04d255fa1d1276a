import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, EnrollmentFactory

pytestmark = pytest.mark.django_db


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    response = client.get(reverse("login"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in response.content.decode()


def test_login_is_throttled_with_a_clear_message(client):
    user = EnrollmentFactory().user
    for _ in range(5):
        client.post(reverse("login"), {"username": user.username, "password": "mauvais"})

    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})

    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_error_pages_are_in_the_sites_look_and_language(client):
    user = EnrollmentFactory().user
    client.force_login(user)

    not_found = client.get("/courses/cours-inexistant/")
    assert not_found.status_code == 404 and "Page introuvable" in not_found.content.decode()
    assert "Traceback" not in not_found.content.decode()


def test_server_error_page_shows_no_stack_trace(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    from unittest import mock

    with mock.patch("courses.views.courses_for_user", side_effect=RuntimeError("boom")):
        client.force_login(EnrollmentFactory().user)
        response = client.get(reverse("courses:my_courses"))

    page = response.content.decode()
    assert response.status_code == 500
    assert "Une erreur est survenue" in page and "boom" not in page and "Traceback" not in page


def test_oversized_request_is_refused(client):
    user = EnrollmentFactory().user
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "x": "y" * (2 * 1024 * 1024)})
    assert response.status_code == 400


def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.json()["database"] == "ok"
    assert response.json()["broker"] in ("ok", "embedded")


def test_deploy_checks_report_nothing_in_production():
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}  # set for Playwright only
    env = {**inherited, "DEBUG": "0", "SECRET_KEY": "k" * 64 + "-production-secret", "ALLOWED_HOSTS": "cours.example.org",
           "DJANGO_SETTINGS_MODULE": "coursesite.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
