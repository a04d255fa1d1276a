"""Claims read as data (a wrong type is a refusal, not a 500), login initiation that writes nothing, the JWKS cache."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from jwcrypto.jwk import JWK

from lti import claims as C
from lti.models import LtiUserLink
from tests.lti.conftest import start_login
from tests.lti.test_launch import counts, launch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("claim, value", [
    ("email", {"address": "x@example.org"}),
    ("given_name", ["Camille"]),
    ("name", 12),
    (C.CUSTOM, ["lesson", "x"]),
    (C.CONTEXT, "lms-course-42"),
    (C.CONTEXT, {"id": ["lms-course-42"]}),
    (C.RESOURCE_LINK, "resource-link-7"),
    (C.ROLES, "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"),
    (C.ROLES, [{"role": "Instructor"}]),
    (C.AGS, {"lineitems": 42}),
    (C.AGS, {"lineitems": "http://x.example/" + "a" * 600}),
    (C.NRPS, {"context_memberships_url": "javascript:alert(1)"}),
])
def test_a_claim_of_the_wrong_type_is_refused_by_name_and_creates_nothing(client, lms, registered, claim, value):
    before = counts()
    response, *_ = launch(client, lms, claims_changes={claim: value})
    assert response.status_code == 400 and response.context["kind"] == "claim"
    assert claim in response.content.decode()  # the page names the claim at fault
    assert counts() == before
    assert "_auth_user_id" not in client.session


def test_a_subject_that_is_not_a_string_is_refused_and_creates_nothing(client, lms, registered):
    before = counts()
    response, *_ = launch(client, lms, claims_changes={"sub": {"id": 1}})
    assert response.status_code == 403  # PyJWT itself rejects the token
    assert counts() == before


def test_a_deep_linking_launch_without_its_settings_is_refused(client, lms, registered):
    from tests.lti.test_launch import INSTRUCTOR_ROLE

    before = counts()
    response, *_ = launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE], deep_link=True,
                          claims_changes={C.DEEP_LINKING_SETTINGS: "nope"})
    assert response.status_code in (400, 403)
    assert counts() == before


def test_login_initiation_writes_nothing(client, lms, registered):
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            start_login(client, lms)
        client.get("/lti/login/", {"iss": "https://unknown.example.org", "login_hint": "x"})
    writes = [q["sql"] for q in queries if q["sql"].lstrip().split()[0].upper() in ("INSERT", "UPDATE", "DELETE")]
    assert writes == []


def test_login_initiation_redirects_only_to_the_registered_login_url(client, lms, registered):
    oidc = start_login(client, lms)  # asserts the redirect goes to the registration's auth URL
    assert oidc["redirect_uri"] == "http://testserver/lti/launch/" and oidc["client_id"] == lms.client_id
    unknown = client.get("/lti/login/", {"iss": lms.issuer, "login_hint": "x", "client_id": "someone-else"})
    assert unknown.status_code == 400 and "Location" not in unknown.headers


def test_a_nonce_made_for_another_login_is_refused(client, lms, registered):
    first = start_login(client, lms)
    second = start_login(client, lms)
    token = lms.id_token(lms.claims(nonce=first["nonce"]))
    response = client.post("/lti/launch/", {"id_token": token, "state": second["state"]})
    assert response.status_code == 403 and response.context["kind"] == "nonce"
    assert LtiUserLink.objects.count() == 0


def test_the_platform_keys_are_fetched_once_then_again_only_for_an_unknown_key_id(client, lms, registered):
    launch(client, lms, sub="s-1")
    launch(client, lms, sub="s-2")
    assert lms.jwks_requests == 1

    lms.key, lms.kid = JWK.generate(kty="RSA", size=2048), "platform-key-2"  # the LMS rotates its key
    response, *_ = launch(client, lms, sub="s-3")
    assert response.status_code == 302
    assert lms.jwks_requests == 2


def test_a_token_signed_with_an_unknown_key_is_still_refused_after_the_refetch(client, lms, registered):
    launch(client, lms, sub="s-1")
    impostor = JWK.generate(kty="RSA", size=2048)
    oidc = start_login(client, lms)
    token = lms.id_token(lms.claims(nonce=oidc["nonce"], sub="s-2"), key=impostor, kid="unknown-kid")
    response = client.post("/lti/launch/", {"id_token": token, "state": oidc["state"]})
    assert response.status_code == 403 and response.context["kind"] == "signature"
    assert not LtiUserLink.objects.filter(sub="s-2").exists()
