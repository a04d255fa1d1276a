"""Launches signed by the test LMS: accepted ones sign in, enrol and open the placement; bad ones change nothing."""

import time

import pytest
from django.contrib.auth import get_user_model
from jwcrypto.jwk import JWK

from courses.models import Enrollment
from lti.models import LtiContext, LtiNonce, LtiResourceLink, LtiUserLink
from tests.lti.conftest import start_login

pytestmark = pytest.mark.django_db

QUIZ_LESSON = "ressorts-persuasion-reseaux-sociaux"
INSTRUCTOR_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def launch(client, lms, *, claims_changes=None, key=None, **claim_args):
    oidc = start_login(client, lms)
    claims = lms.claims(nonce=oidc["nonce"], **claim_args)
    claims.update(claims_changes or {})
    token = lms.id_token(claims, key=key)
    return client.post("/lti/launch/", {"id_token": token, "state": oidc["state"]}), token, oidc


def counts():
    return (get_user_model().objects.count(), Enrollment.objects.count(), LtiUserLink.objects.count(),
            LtiContext.objects.count(), LtiResourceLink.objects.count())


def test_first_launch_creates_the_student_enrols_them_and_opens_the_linked_quiz(client, lms, registered):
    response, _token, _oidc = launch(client, lms, custom={"lesson": QUIZ_LESSON, "target": "quiz"})

    assert response.status_code == 302
    assert response["Location"] == f"/courses/{registered.course.slug}/lessons/{QUIZ_LESSON}/quiz/"
    link = LtiUserLink.objects.get(issuer=lms.issuer, sub="student-sub-1")
    assert (link.user.first_name, link.user.last_name, link.user.email) == ("Camille", "Tremblay", "student-sub-1@lms.example.org")
    assert Enrollment.objects.get(user=link.user, course=registered.course).role == Enrollment.Role.STUDENT
    assert client.get(response["Location"]).status_code == 200  # signed in


def test_a_second_launch_of_the_same_person_reuses_the_account(client, lms, registered):
    launch(client, lms)
    launch(client, lms)
    assert LtiUserLink.objects.filter(issuer=lms.issuer, sub="student-sub-1").count() == 1
    assert get_user_model().objects.filter(lti_links__sub="student-sub-1").count() == 1


def test_an_lms_instructor_is_enrolled_as_instructor_and_lands_on_the_lesson(client, lms, registered):
    response, *_ = launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE], custom={"lesson": QUIZ_LESSON})
    assert response["Location"] == f"/courses/{registered.course.slug}/lessons/{QUIZ_LESSON}/"
    user = LtiUserLink.objects.get(sub="teacher-1").user
    assert Enrollment.objects.get(user=user, course=registered.course).role == Enrollment.Role.INSTRUCTOR


def test_a_launch_without_a_lesson_lands_on_the_course_page(client, lms, registered):
    response, *_ = launch(client, lms)
    assert response["Location"] == f"/courses/{registered.course.slug}/"


def test_launched_pages_may_be_framed_by_the_lms_only(client, lms, registered):
    response, *_ = launch(client, lms)
    page = client.get(response["Location"])
    assert "X-Frame-Options" not in page.headers
    assert f"frame-ancestors 'self' {lms.issuer}" in page.headers["Content-Security-Policy"]


def test_a_normal_session_still_refuses_every_frame(client, student, course):
    client.force_login(student)
    page = client.get(f"/courses/{course.slug}/")
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def _refused(response, kind):
    assert response.status_code == 403
    assert response.context["kind"] == kind
    assert "frame-ancestors 'none'" not in response.headers["Content-Security-Policy"]  # shown inside the LMS frame


def test_a_token_signed_by_another_key_is_refused_and_creates_nothing(client, lms, registered):
    before = counts()
    impostor = JWK.generate(kty="RSA", size=2048)
    response, *_ = launch(client, lms, key=impostor)
    _refused(response, "signature")
    assert "La signature du lancement n’est pas valide" in response.content.decode()
    assert counts() == before


def test_a_replayed_launch_is_refused_and_creates_nothing_more(client, lms, registered):
    first, token, oidc = launch(client, lms)
    assert first.status_code == 302
    before = counts()
    again = client.post("/lti/launch/", {"id_token": token, "state": oidc["state"]})
    _refused(again, "nonce")
    assert counts() == before
    assert LtiNonce.objects.count() == 1


def test_a_token_for_another_audience_is_refused_and_creates_nothing(client, lms, registered):
    before = counts()
    response, *_ = launch(client, lms, claims_changes={"aud": "someone-else"})
    _refused(response, "registration")
    assert counts() == before


def test_an_unknown_deployment_is_refused_and_creates_nothing(client, lms, registered):
    from lti import claims as C

    before = counts()
    response, *_ = launch(client, lms, claims_changes={C.DEPLOYMENT_ID: "deployment-unknown"})
    _refused(response, "deployment")
    assert counts() == before


def test_an_expired_token_is_refused_and_creates_nothing(client, lms, registered):
    before = counts()
    past = int(time.time()) - 3600
    response, *_ = launch(client, lms, claims_changes={"iat": past - 300, "exp": past})
    _refused(response, "expired")
    assert counts() == before


def test_a_launch_whose_state_cookie_was_blocked_explains_the_cookie_problem(client, lms, registered):
    from django.test import Client

    oidc = start_login(client, lms)
    token = lms.id_token(lms.claims(nonce=oidc["nonce"]))
    other_browser = Client()  # the iframe that did not keep the state cookie
    response = other_browser.post("/lti/launch/", {"id_token": token, "state": oidc["state"]})
    _refused(response, "cookies")
    assert "bloque" in response.content.decode()
    assert LtiUserLink.objects.count() == 0


def test_an_unregistered_lms_cannot_even_start_a_login(client, lms, db):
    response = client.get("/lti/login/", {"iss": lms.issuer, "login_hint": "x", "client_id": lms.client_id,
                                          "target_link_uri": "http://testserver/lti/launch/"})
    assert response.status_code == 400
    assert response.context["kind"] == "registration"


def test_over_https_the_launch_cookies_are_samesite_none_and_secure_for_the_lti_session_only(client, lms, registered):
    login = client.get("/lti/login/", {"iss": lms.issuer, "login_hint": "h", "client_id": lms.client_id,
                                       "target_link_uri": "https://testserver/lti/launch/"}, secure=True)
    from urllib.parse import parse_qs, urlsplit

    oidc = {k: v[0] for k, v in parse_qs(urlsplit(login["Location"]).query).items()}
    state_cookie = login.cookies[f"lti1p3-{oidc['state']}"]
    assert (state_cookie["samesite"], bool(state_cookie["secure"])) == ("None", True)

    token = lms.id_token(lms.claims(nonce=oidc["nonce"]))
    response = client.post("/lti/launch/", {"id_token": token, "state": oidc["state"]}, secure=True)

    assert response.status_code == 302
    session_cookie = response.cookies["sessionid"]
    assert (session_cookie["samesite"], bool(session_cookie["secure"])) == ("None", True)


def test_over_https_an_ordinary_login_keeps_lax_cookies(client, student):
    from tests.factories import PASSWORD

    response = client.post("/accounts/login/", {"username": student.username, "password": PASSWORD}, secure=True)
    assert response.cookies["sessionid"]["samesite"] == "Lax"


def test_a_deactivated_account_is_not_signed_in_by_a_launch(client, lms, registered):
    launch(client, lms)
    get_user_model().objects.filter(lti_links__sub="student-sub-1").update(is_active=False)
    client.logout()
    response, *_ = launch(client, lms)
    _refused(response, "inactive")
    assert "_auth_user_id" not in client.session
