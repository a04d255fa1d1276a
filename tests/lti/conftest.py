from urllib.parse import parse_qs, urlsplit

import pytest

from lti.models import LtiPlatform
from lti.services import platform_register
from tests.lti.platform import TestPlatform


@pytest.fixture
def lms(settings):
    # The test LMS listens on 127.0.0.1, which the tool refuses to call unless told otherwise.
    settings.LTI_ALLOW_PRIVATE_ADDRESSES = True
    platform = TestPlatform().start()
    yield platform
    platform.stop()


@pytest.fixture(autouse=True)
def _forget_cached_jwks():
    """Each test's LMS has a fresh key under the same kid: no JWKS cached by an earlier test."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def registered(lms, course, instructor) -> LtiPlatform:
    """The test LMS registered for the seeded course, with its one deployment."""
    return platform_register(course=course, actor=instructor, deployment_ids=lms.deployment_id, **lms.registration)


def start_login(client, lms) -> dict:
    """Run the tool's login initiation as the LMS would; returns the OIDC parameters it sent back."""
    response = client.get("/lti/login/", {
        "iss": lms.issuer, "login_hint": "hint-1", "client_id": lms.client_id,
        "target_link_uri": "http://testserver/lti/launch/", "lti_deployment_id": lms.deployment_id,
    })
    assert response.status_code == 302, response.content[:500]
    assert response["Location"].startswith(f"{lms.issuer}/auth?")
    return {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
