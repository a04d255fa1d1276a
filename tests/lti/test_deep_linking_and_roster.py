"""Deep linking (the instructor picks a lesson or quiz), roster sync (NRPS), registration page, keys and JWKS."""

import io
import re

import jwt
import pytest
from django.core.management import call_command
from jwcrypto.jwk import JWK

from courses.models import Enrollment
from lti import claims as C
from lti.models import LtiContext, LtiPlatform, LtiToolKey, LtiUserLink
from tests.lti.test_launch import INSTRUCTOR_ROLE, QUIZ_LESSON, launch

pytestmark = pytest.mark.django_db


def _tool_public_key(client, kid):
    keys = client.get("/lti/jwks/").json()["keys"]
    return JWK(**next(k for k in keys if k["kid"] == kid)).export_to_pem()


def test_instructor_picks_a_quiz_and_it_returns_to_the_lms_as_a_graded_resource_link(client, lms, registered):
    response, *_ = launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE], deep_link=True)
    assert response["Location"] == "/lti/deep-link/"
    picker = client.get("/lti/deep-link/")
    assert "Ajouter son test" in picker.content.decode()

    returned = client.post("/lti/deep-link/", {"lesson": QUIZ_LESSON, "target": "quiz"})

    html = returned.content.decode()
    assert f'action="{lms.issuer}/deep-link-return"' in html
    assert f"form-action 'self' {lms.issuer}" in returned.headers["Content-Security-Policy"]
    token = re.search(r'name="JWT" value="([^"]+)"', html).group(1)
    kid = jwt.get_unverified_header(token)["kid"]
    message = jwt.decode(token, _tool_public_key(client, kid), algorithms=["RS256"], audience=lms.issuer)
    assert message["iss"] == lms.client_id
    assert message[C.MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert message["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    [item] = message["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["type"] == "ltiResourceLink" and item["url"] == "http://testserver/lti/launch/"
    assert item["custom"] == {"lesson": QUIZ_LESSON, "target": "quiz"}
    assert item["lineItem"]["scoreMaximum"] == 100
    assert client.get("/lti/deep-link/").status_code == 403  # the answer is given once


def test_a_student_cannot_use_deep_linking(client, lms, registered):
    response, *_ = launch(client, lms, deep_link=True)
    assert response.status_code == 403


def test_a_bad_pick_is_refused_with_a_message(client, lms, registered):
    launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE], deep_link=True)
    response = client.post("/lti/deep-link/", {"lesson": "nope", "target": "quiz"}, follow=True)
    assert "Choisissez une leçon ou un test dans la liste." in response.content.decode()


def test_instructor_syncs_the_lms_roster_into_enrolments(client, lms, registered):
    launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE])
    lms.members = [
        {"user_id": "teacher-1", "roles": [INSTRUCTOR_ROLE], "status": "Active"},
        {"user_id": "s-2", "given_name": "Léa", "family_name": "Roy", "email": "lea@lms.example.org",
         "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], "status": "Active"},
        {"user_id": "s-3", "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], "status": "Inactive"},
    ]
    context = LtiContext.objects.get()

    page = client.post(f"/lti/courses/{registered.course.slug}/contexts/{context.pk}/roster/", follow=True)

    assert "Liste des membres synchronisée" in page.content.decode()
    lea = LtiUserLink.objects.get(sub="s-2").user
    assert (lea.first_name, lea.email) == ("Léa", "lea@lms.example.org")
    assert Enrollment.objects.get(user=lea, course=registered.course).role == Enrollment.Role.STUDENT
    assert not LtiUserLink.objects.filter(sub="s-3").exists()


def test_a_roster_sync_while_the_lms_is_down_says_so_and_changes_nothing(client, lms, registered):
    launch(client, lms, sub="teacher-1", roles=[INSTRUCTOR_ROLE])
    lms.down = True
    before = Enrollment.objects.count()
    page = client.post(f"/lti/courses/{registered.course.slug}/contexts/{LtiContext.objects.get().pk}/roster/", follow=True)
    assert "La plateforme n’a pas fourni sa liste des membres" in page.content.decode()
    assert Enrollment.objects.count() == before


def test_instructor_registers_an_lms_and_reads_the_values_to_paste(client, instructor, course):
    client.force_login(instructor)
    page = client.get(f"/lti/courses/{course.slug}/")
    html = page.content.decode()
    for url in ("http://testserver/lti/launch/", "http://testserver/lti/login/", "http://testserver/lti/jwks/"):
        assert url in html
    response = client.post(f"/lti/courses/{course.slug}/", {
        "name": "Moodle HEC", "issuer": "https://moodle.example.org", "client_id": "abc",
        "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.org/mod/lti/token.php",
        "key_set_url": "https://moodle.example.org/mod/lti/certs.php", "deployment_ids": "1\n2",
    })
    assert response.status_code == 302
    platform = LtiPlatform.objects.get(client_id="abc")
    assert sorted(platform.deployments.values_list("deployment_id", flat=True)) == ["1", "2"]
    assert LtiToolKey.objects.filter(is_active=True).count() == 1


def test_a_bad_registration_keeps_what_was_typed_and_saves_nothing(client, instructor, course):
    client.force_login(instructor)
    response = client.post(f"/lti/courses/{course.slug}/", {"name": "Canvas", "issuer": "pas une url", "client_id": "x"})
    assert response.status_code == 200
    assert 'value="Canvas"' in response.content.decode()
    assert LtiPlatform.objects.count() == 0


def test_rotating_keys_keeps_the_previous_public_key_and_never_publishes_a_private_one(client):
    call_command("lti_rotate_keys", stdout=io.StringIO())
    first = LtiToolKey.objects.get(is_active=True)
    out = io.StringIO()
    call_command("lti_rotate_keys", stdout=out)
    second = LtiToolKey.objects.get(is_active=True)

    assert second.kid != first.kid and second.kid in out.getvalue()
    keys = client.get("/lti/jwks/").json()["keys"]
    assert [k["kid"] for k in keys] == [second.kid, first.kid]
    assert all("d" not in k and "p" not in k for k in keys)  # public halves only

    call_command("lti_rotate_keys", "--grace-days", "0", stdout=io.StringIO())
    assert len(client.get("/lti/jwks/").json()["keys"]) == 2  # the just-retired key stays, older ones go


def _platforms(course, n):
    from lti.models import LtiDeployment

    for i in range(n):
        platform = LtiPlatform.objects.create(
            name=f"LMS {i}", issuer=f"https://lms{i}.example.org", client_id="c", auth_login_url="https://x.org/a",
            auth_token_url="https://x.org/t", key_set_url="https://x.org/k", course=course,
        )
        deployment = LtiDeployment.objects.create(platform=platform, deployment_id="1")
        LtiContext.objects.create(platform=platform, deployment=deployment, context_id="c", course=course,
                                  memberships_url="https://x.org/m")


@pytest.mark.parametrize("size", [1, 8])
def test_the_registration_page_costs_the_same_queries_for_one_or_many_platforms(client, instructor, course, size, django_assert_num_queries):
    _platforms(course, size)
    client.force_login(instructor)
    # 9, and one each for the refused grades, the duplicate accounts and the registration URLs the page lists.
    with django_assert_num_queries(11):
        response = client.get(f"/lti/courses/{course.slug}/")
    assert response.content.decode().count("Synchroniser la liste des membres") == size
