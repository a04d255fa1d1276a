"""LTI Advantage Dynamic Registration: the instructor's one-time URL, the LMS registers the tool, then launches work."""

import re

import pytest

from courses.models import Enrollment
from lti.models import LtiPlatform, LtiRegistrationToken
from tests.factories import CourseFactory, EnrollmentFactory
from tests.lti.test_launch import launch

pytestmark = pytest.mark.django_db


def _registration_url(client, instructor, course) -> str:
    client.force_login(instructor)
    page = client.post(f"/lti/courses/{course.slug}/registration-url/", follow=True).content.decode()
    [url] = re.findall(r'data-testid="lti-registration-url">([^<]+)<', page)
    client.logout()
    return url.replace("&amp;", "&")


def _lms_opens(client, lms, url, **params):
    """What Moodle or Canvas does with the pasted URL: open it with its configuration and registration token."""
    from urllib.parse import urlencode

    query = urlencode({"openid_configuration": f"{lms.issuer}/.well-known/openid-configuration",
                       "registration_token": lms.registration_token, **params})
    return client.get(f"{url}&{query}" if "?" in url else f"{url}?{query}")


def test_the_lms_registers_the_tool_from_the_one_time_url_then_launches_it(client, lms, course, instructor):
    url = _registration_url(client, instructor, course)
    assert url.startswith("http://testserver/lti/register/?token=")

    response = _lms_opens(client, lms, url)

    assert response.status_code == 200
    assert "lti/close.js" in response.content.decode()  # tells the LMS window it is done
    platform = LtiPlatform.objects.get(issuer=lms.issuer)
    assert (platform.course, platform.client_id, platform.key_set_url) == (course, lms.client_id, f"{lms.issuer}/jwks")
    assert list(platform.deployments.values_list("deployment_id", flat=True)) == [lms.deployment_id]
    [sent] = lms.client_registrations
    assert sent["initiate_login_uri"] == "http://testserver/lti/login/"
    assert sent["redirect_uris"] == ["http://testserver/lti/launch/"]
    assert sent["jwks_uri"] == "http://testserver/lti/jwks/"
    assert sent["token_endpoint_auth_method"] == "private_key_jwt"

    launched, *_ = launch(client, lms, sub="dyn-student")
    assert launched.status_code == 302 and launched["Location"] == f"/courses/{course.slug}/"


def test_a_registration_url_works_once(client, lms, course, instructor):
    url = _registration_url(client, instructor, course)
    assert _lms_opens(client, lms, url).status_code == 200
    again = _lms_opens(client, lms, url)
    assert again.status_code == 403 and again.context["kind"] == "token"
    assert LtiPlatform.objects.count() == 1 and len(lms.client_registrations) == 1


def test_an_unknown_or_expired_token_registers_nothing_and_calls_no_one(client, lms, course, instructor):
    from django.utils import timezone

    url = _registration_url(client, instructor, course)
    LtiRegistrationToken.objects.update(expires_at=timezone.now())
    assert _lms_opens(client, lms, url).status_code == 403
    assert _lms_opens(client, lms, "/lti/register/?token=made-up").status_code == 403
    assert LtiPlatform.objects.count() == 0 and lms.client_registrations == []


def test_dynamic_registration_keeps_the_issuer_rule(client, lms, course, instructor, registered):
    other_course = CourseFactory()
    other_instructor = EnrollmentFactory(course=other_course, role=Enrollment.Role.INSTRUCTOR).user
    url = _registration_url(client, other_instructor, other_course)

    response = _lms_opens(client, lms, url)

    assert response.status_code == 403 and response.context["kind"] == "issuer"
    assert LtiPlatform.objects.count() == 1 and lms.client_registrations == []


def test_a_configuration_on_a_private_address_is_not_fetched_unless_allowed(client, lms, course, instructor, settings):
    url = _registration_url(client, instructor, course)
    settings.LTI_ALLOW_PRIVATE_ADDRESSES = False
    response = _lms_opens(client, lms, url)
    assert response.status_code == 400 and "private or loopback address" in response.content.decode()
    assert LtiPlatform.objects.count() == 0
    assert LtiRegistrationToken.objects.get().used_at is None  # still usable once the cause is fixed


def test_a_refused_platform_registration_shows_the_status_and_records_nothing(client, lms, course, instructor):
    url = _registration_url(client, instructor, course)
    response = _lms_opens(client, lms, url, registration_token="wrong")
    assert response.status_code == 400
    assert "client registration: HTTP 401" in response.content.decode()
    assert LtiPlatform.objects.count() == 0


def test_students_cannot_make_registration_urls(client, student, course):
    client.force_login(student)
    assert client.post(f"/lti/courses/{course.slug}/registration-url/").status_code == 403
    assert LtiRegistrationToken.objects.count() == 0
