"""Calls to an LMS go only to its registration's origins, never inside the network, and never echo its answer."""

import pytest

from lti.models import LtiContext, LtiPlatform, LtiScore
from lti.outbound import UrlRefused, url_check
from lti.services import scores_send_due
from tests.lti.test_grades_back import _quiz, _submit, launched_student  # noqa: F401 (fixture)
from tests.lti.test_launch import INSTRUCTOR_ROLE, launch

pytestmark = pytest.mark.django_db


def _sync(client, registered):
    context = LtiContext.objects.get()
    return client.post(f"/lti/courses/{registered.course.slug}/contexts/{context.pk}/roster/", follow=True).content.decode()


def test_a_roster_url_on_another_origin_is_refused_before_any_request(client, lms, registered):
    from lti import claims as C

    launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE],
           claims_changes={C.NRPS: {"context_memberships_url": "http://127.0.0.2:9/admin/memberships"}})

    page = _sync(client, registered)

    assert "refused before sending" in page and "not one of this registration" in page
    assert lms.token_requests == []  # not even a token was asked for


def test_a_loopback_roster_url_is_refused_unless_the_setting_allows_it(client, lms, registered, settings):
    launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE])
    settings.LTI_ALLOW_PRIVATE_ADDRESSES = False

    page = _sync(client, registered)

    assert "private or loopback address" in page
    assert lms.token_requests == []


def test_a_failed_roster_call_names_the_status_never_the_lms_answer(client, lms, registered):
    launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE])
    lms.down = True
    page = _sync(client, registered)
    assert "roster: HTTP 503" in page
    assert "maintenance" not in page  # the body the LMS sent


def test_a_score_for_a_line_item_on_another_origin_fails_without_a_request(lms, registered, launched_student):  # noqa: F811
    from lti.models import LtiLineItem

    quiz = _quiz(registered.course)
    LtiLineItem.objects.create(context=LtiContext.objects.get(), quiz=quiz, url="http://169.254.169.254/latest/meta-data")
    _submit(quiz, launched_student)

    assert scores_send_due() == 0

    row = LtiScore.objects.get()
    assert row.status == LtiScore.Status.FAILED and "refused before sending" in row.last_error
    assert lms.scores == [] and lms.token_requests == []


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/jwks", "http://localhost:8000/x", "http://10.1.2.3/x", "http://192.168.0.1/x",
    "http://169.254.169.254/latest", "http://[::1]/x", "http://0.0.0.0/x", "file:///etc/passwd", "gopher://x.org/",
])
def test_loopback_private_link_local_and_odd_schemes_are_refused(url, settings):
    settings.LTI_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(UrlRefused):
        url_check(url)


def test_an_instructor_cannot_register_an_lms_whose_keys_live_on_a_private_address(client, instructor, course, settings):
    settings.LTI_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(instructor)
    response = client.post(f"/lti/courses/{course.slug}/", {
        "name": "Interne", "issuer": "https://moodle.example.org", "client_id": "abc",
        "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
        "auth_token_url": "http://10.0.0.5/token", "key_set_url": "http://127.0.0.1:6379/", "deployment_ids": "1",
    })
    assert response.status_code == 200
    assert "réseau local ou privé" in response.content.decode()
    assert LtiPlatform.objects.count() == 0


def test_an_origin_the_administrator_allows_is_accepted(lms, registered, settings):
    from lti.outbound import registration_origins

    settings.LTI_ALLOWED_ORIGINS = ["https://school.instructure.com"]
    url_check("https://school.instructure.com/api/lti/courses/1/names_and_roles",
              origins=registration_origins(registered), unknown_host_ok=True)
    with pytest.raises(UrlRefused):
        url_check("https://elsewhere.example.org/x", origins=registration_origins(registered), unknown_host_ok=True)
