"""Sign-in with the school's account against a real OpenID provider (django-oidc-provider) on 127.0.0.1.

The provider is a second Django project (tests/oidc_provider/) in its own process. The course site
talks to it for real: authorization request with a PKCE challenge, the provider's login form, the
code back to the callback, then the token, JWKS and userinfo endpoints from the site's backend.
"""

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core import mail
from django.urls import reverse

from accounts.models import Invitation, OidcIdentity
from courses.services import enrollments_bulk_create_from_csv
from tests.factories import CourseFactory
from tests.oidc_provider.serve import CLIENT_ID, CLIENT_SECRET, PASSWORD

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/accounts/oidc/callback/"


@pytest.fixture(scope="session")
def school_provider(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["OIDC_PROVIDER_DB"] = str(tmp_path_factory.mktemp("oidc-provider") / "db.sqlite3")
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.serve", CALLBACK], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.match(r"PORT (\d+)", line)
        assert match, f"the provider did not start: {line}{process.stderr.read() if process.poll() is not None else ''}"
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def oidc_on(settings, school_provider):
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{school_provider}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{school_provider}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{school_provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{school_provider}/jwks"
    settings.OIDC_PROVIDER_NAME = "École des tests"
    settings.OIDC_ALLOWED_DOMAINS = ["ecole.example"]
    settings.OIDC_SUPPORT_CONTACT = "aide@ecole.example"
    return school_provider


@pytest.fixture
def invited():
    """Accounts the site created (and invited) for anne, mallory (another domain) and bob (unverified at school)."""
    course = CourseFactory()
    enrollments_bulk_create_from_csv(course=course, csv_text="anne@ecole.example\nmallory@ailleurs.example\nbob@ecole.example\n")
    from django.contrib.auth import get_user_model

    return {u.email.split("@")[0]: u for u in get_user_model().objects.filter(email__contains="example")}


def school_login(client, username, provider) -> str:
    """Start at the site, sign in at the school; returns the callback path the school sends the browser to."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302
    authorize = start["Location"]
    query = parse_qs(urlparse(authorize).query)
    assert authorize.startswith(f"{provider}/authorize") and query["code_challenge_method"] == ["S256"]
    assert query["response_type"] == ["code"] and query["state"] and query["nonce"]

    browser = requests.Session()
    to_login = browser.get(authorize, allow_redirects=False, timeout=10)
    login_url = provider + to_login.headers["Location"] if to_login.headers["Location"].startswith("/") else to_login.headers["Location"]
    browser.get(login_url, timeout=10)
    back = browser.post(login_url, data={
        "username": username, "password": PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"],
        "next": parse_qs(urlparse(login_url).query)["next"][0],
    }, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text[:500]
    to_site = browser.get(provider + back.headers["Location"] if back.headers["Location"].startswith("/") else back.headers["Location"],
                          allow_redirects=False, timeout=10)
    location = to_site.headers["Location"]
    assert location.startswith(CALLBACK), location
    return location.removeprefix("http://testserver")


def logged_in_as(client):
    return client.session.get("_auth_user_id")


def test_invited_account_signs_in_with_its_verified_school_email_then_by_sub(client, oidc_on, invited):
    anne = invited["anne"]
    open_invitation = Invitation.objects.get(user=anne)

    answer = client.get(school_login(client, "anne", oidc_on))

    assert answer.status_code == 302 and answer["Location"] == reverse("courses:my_courses")
    assert logged_in_as(client) == str(anne.pk)
    identity = OidcIdentity.objects.get(user=anne)
    assert identity.issuer == oidc_on and identity.sub
    anne.refresh_from_db()
    assert anne.last_login is not None and not anne.has_usable_password()
    open_invitation.refresh_from_db()
    assert open_invitation.revoked_at is not None  # the school sign-in is now the way in

    # Later sign-ins follow the subject, not the e-mail: a changed address here changes nothing.
    anne.email = "anne.roy@ecole.example"
    anne.save()
    client.logout()
    assert client.get(school_login(client, "anne", oidc_on)).status_code == 302
    assert logged_in_as(client) == str(anne.pk)
    assert OidcIdentity.objects.count() == 1


@pytest.mark.parametrize(("username", "reason_text"), [
    ("mallory", "pas d’un domaine"),         # verified, but ailleurs.example is not listed
    ("unverified-bob", "pas confirmé"),      # listed domain, e-mail not verified by the school
    ("carl", "Aucune invitation"),           # listed and verified, but nobody invited carl here
])
def test_a_first_sign_in_that_matches_no_invited_account_is_refused_and_creates_nothing(client, oidc_on, invited, username, reason_text):
    from django.contrib.auth import get_user_model

    accounts_before = get_user_model().objects.count()

    answer = client.get(school_login(client, username, oidc_on), follow=True)

    assert answer.status_code == 403
    body = answer.content.decode()
    assert reason_text in body and "aide@ecole.example" in body
    assert not logged_in_as(client)
    assert not OidcIdentity.objects.exists() and get_user_model().objects.count() == accounts_before


def test_a_tampered_state_is_refused(client, oidc_on, invited):
    callback = school_login(client, "anne", oidc_on)
    tampered = re.sub(r"state=([^&]+)", lambda m: "state=" + m.group(1)[::-1], callback)

    answer = client.get(tampered)

    assert answer.status_code == 400 and "n’a pas pu être vérifiée" in answer.content.decode()
    assert not logged_in_as(client) and not OidcIdentity.objects.exists()


def test_a_wrong_nonce_is_refused(client, oidc_on, invited):
    callback = school_login(client, "anne", oidc_on)
    session = client.session
    for state in session["oidc_states"].values():
        state["nonce"] = "not-the-nonce-sent"
    session.save()

    assert client.get(callback).status_code == 400
    assert not logged_in_as(client) and not OidcIdentity.objects.exists()


def test_a_wrong_pkce_verifier_is_refused_by_the_provider(client, oidc_on, invited):
    callback = school_login(client, "anne", oidc_on)
    session = client.session
    for state in session["oidc_states"].values():
        state["code_verifier"] = "x" * 64
    session.save()

    assert client.get(callback).status_code == 400
    assert not logged_in_as(client) and not OidcIdentity.objects.exists()


def test_an_id_token_signed_by_another_key_is_refused(client, oidc_on, invited, settings):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    other = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    settings.OIDC_RP_IDP_SIGN_KEY = other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    assert client.get(school_login(client, "anne", oidc_on)).status_code == 400
    assert not logged_in_as(client) and not OidcIdentity.objects.exists()


def test_login_page_shows_the_school_button_only_when_configured(client, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert "Se connecter avec" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404

    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    for name in ("OIDC_OP_AUTHORIZATION_ENDPOINT", "OIDC_OP_TOKEN_ENDPOINT", "OIDC_OP_USER_ENDPOINT", "OIDC_OP_JWKS_ENDPOINT"):
        setattr(settings, name, "http://127.0.0.1:9/x")
    settings.OIDC_PROVIDER_NAME = "HEC Montréal"
    assert "Se connecter avec HEC Montréal" in client.get(reverse("login")).content.decode()


def test_password_login_still_works_with_oidc_on(client, oidc_on):
    from tests.factories import PASSWORD as SITE_PASSWORD
    from tests.factories import UserFactory

    user = UserFactory()
    answer = client.post(reverse("login"), {"username": user.username, "password": SITE_PASSWORD})
    assert answer.status_code == 302 and logged_in_as(client) == str(user.pk)
    assert not mail.outbox
