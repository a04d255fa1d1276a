"""Who a launch or a roster signs in and changes: links belong to one registration, accounts are never taken over."""

import pytest
from django.contrib.auth import get_user_model

from courses.models import Enrollment
from lti.models import LtiContext, LtiPlatform, LtiUserLink
from lti.services import platform_register
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory
from tests.lti.platform import TestPlatform
from tests.lti.test_launch import INSTRUCTOR_ROLE, launch

pytestmark = pytest.mark.django_db

LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"


@pytest.fixture
def attacker(lms):
    """A second LMS with keys of its own that claims the real LMS's issuer (what an instructor of another course would run)."""
    platform = TestPlatform().start()
    platform.issuer = lms.issuer
    platform.client_id = "attacker-client"
    yield platform
    platform.stop()


def _attacker_registration(attacker, *, course=None):
    """The attacker's registration, made as only a site administrator now could (in the admin)."""
    other_course = course or CourseFactory()
    return platform_register(
        course=other_course, actor=None, deployment_ids=attacker.deployment_id,
        name="Attacker", issuer=attacker.issuer, client_id=attacker.client_id,
        auth_login_url=f"{attacker.issuer}/auth", auth_token_url=f"{attacker.base_url}/token",
        key_set_url=f"{attacker.base_url}/jwks",
    )


def _registration_form(lms, **changes):
    return {"name": "Moodle bis", **lms.registration, "client_id": "another-client",
            "deployment_ids": "d-1", **changes}


def test_an_instructor_of_another_course_cannot_register_an_issuer_that_a_course_uses(client, lms, registered):
    other_course = CourseFactory()
    other_instructor = EnrollmentFactory(course=other_course, role=Enrollment.Role.INSTRUCTOR).user
    client.force_login(other_instructor)

    response = client.post(f"/lti/courses/{other_course.slug}/", _registration_form(lms))

    assert response.status_code == 200
    assert "Un autre cours utilise déjà cette plateforme" in response.content.decode()
    assert LtiPlatform.objects.filter(issuer=lms.issuer).count() == 1


def test_the_same_issuer_and_client_id_cannot_be_registered_twice(client, lms, registered, instructor):
    client.force_login(instructor)
    response = client.post(f"/lti/courses/{registered.course.slug}/", _registration_form(lms, client_id=lms.client_id))
    assert response.status_code == 200
    assert LtiPlatform.objects.filter(issuer=lms.issuer).count() == 1


def test_a_site_administrator_may_register_an_issuer_for_a_second_course(client, lms, registered):
    other_course = CourseFactory()
    admin = UserFactory(is_superuser=True, is_staff=True)
    EnrollmentFactory(course=other_course, user=admin, role=Enrollment.Role.INSTRUCTOR)
    client.force_login(admin)
    response = client.post(f"/lti/courses/{other_course.slug}/", _registration_form(lms))
    assert response.status_code == 302
    assert LtiPlatform.objects.filter(issuer=lms.issuer).count() == 2


def test_a_forged_launch_through_another_registration_never_signs_in_as_the_victim(client, lms, registered, attacker):
    from django.test import Client

    launch(client, lms, sub="victim", roles=[INSTRUCTOR_ROLE])
    victim = LtiUserLink.objects.get(sub="victim").user
    before = (victim.email, victim.first_name, victim.last_name)
    _attacker_registration(attacker)

    forger = Client()
    response, *_ = launch(forger, attacker, sub="victim", roles=[INSTRUCTOR_ROLE],
                          claims_changes={"email": victim.email.upper(), "given_name": "Mallory", "family_name": "Pirate"})

    assert response.status_code == 302  # a valid launch of the attacker's own registration…
    signed_in = int(forger.session["_auth_user_id"])
    assert signed_in != victim.pk  # …lands on an account of its own
    victim.refresh_from_db()
    assert (victim.email, victim.first_name, victim.last_name) == before
    intruder = get_user_model().objects.get(pk=signed_in)
    assert intruder.email == "" and intruder.first_name == "Mallory"
    assert not Enrollment.objects.filter(user=intruder, course=registered.course).exists()
    assert Enrollment.objects.get(user=victim, course=registered.course).role == Enrollment.Role.INSTRUCTOR


def test_a_forged_roster_changes_no_account_of_another_registration(client, lms, registered, attacker):
    launch(client, lms, sub="victim")
    victim = LtiUserLink.objects.get(sub="victim").user
    before = (victim.email, victim.first_name, victim.last_name)
    forged = _attacker_registration(attacker)
    context = LtiContext.objects.create(
        platform=forged, deployment=forged.deployments.get(), context_id="forged", course=forged.course,
        memberships_url=f"{attacker.base_url}/memberships",
    )
    attacker.members = [{"user_id": "victim", "email": "mallory@evil.example", "given_name": "Mallory",
                         "roles": [INSTRUCTOR_ROLE], "status": "Active"}]
    from lti.services import roster_sync

    result = roster_sync(context=context)

    assert result.created_users == 1
    victim.refresh_from_db()
    assert (victim.email, victim.first_name, victim.last_name) == before
    assert not Enrollment.objects.filter(user=victim, course=forged.course).exists()


def test_a_first_launch_with_the_email_of_an_existing_account_makes_a_separate_account_and_shows_the_duplicate(client, lms, registered, instructor):
    existing = UserFactory(email="Camille.Tremblay@Ecole.example.org")
    EnrollmentFactory(course=registered.course, user=existing)

    response, *_ = launch(client, lms, sub="s-camille", claims_changes={"email": "camille.tremblay@ecole.example.org"})

    assert response.status_code == 302  # never a 500: the student enters
    link = LtiUserLink.objects.get(sub="s-camille")
    assert link.user != existing and link.user.email == ""
    assert link.claimed_email == "camille.tremblay@ecole.example.org"
    existing.refresh_from_db()
    assert existing.email == "Camille.Tremblay@Ecole.example.org"  # untouched, still signs in as before

    client.force_login(instructor)
    page = client.get(f"/lti/courses/{registered.course.slug}/").content.decode()
    assert "appartient à un autre compte" in page and "camille.tremblay@ecole.example.org" in page


def test_a_later_launch_never_copies_an_email_that_another_account_uses(client, lms, registered):
    launch(client, lms, sub="s-1")
    UserFactory(email="taken@example.org")
    launch(client, lms, sub="s-1", claims_changes={"email": "taken@example.org", "given_name": "Nouveau"})
    link = LtiUserLink.objects.get(sub="s-1")
    assert link.user.email == "s-1@lms.example.org" and link.user.first_name == "Nouveau"
    assert link.claimed_email == "taken@example.org"


@pytest.mark.parametrize("claims, expected", [
    ({"name": "Aïcha  Ben Salah"}, ("Aïcha", "Ben Salah")),
    ({"name": "Madonna"}, ("Madonna", "")),
    ({"email": "j.roy@lms.example.org"}, ("j.roy", "")),
])
def test_a_launch_without_given_and_family_names_still_names_the_account(client, lms, registered, claims, expected):
    changes = {"given_name": None, "family_name": None, "email": None, **claims}
    launch(client, lms, sub="s-named", claims_changes=changes)
    user = LtiUserLink.objects.get(sub="s-named").user
    assert (user.first_name, user.last_name) == expected


@pytest.mark.parametrize("roles, expected", [
    ([LEARNER, "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Instructor"], Enrollment.Role.STUDENT),
    (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], Enrollment.Role.STUDENT),
    (["Instructor"], Enrollment.Role.INSTRUCTOR),
    (["http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"], Enrollment.Role.TEACHING_ASSISTANT),
    ([INSTRUCTOR_ROLE], Enrollment.Role.INSTRUCTOR),
])
def test_only_course_membership_roles_give_a_course_role(client, lms, registered, roles, expected):
    launch(client, lms, sub="s-role", roles=roles)
    user = LtiUserLink.objects.get(sub="s-role").user
    assert Enrollment.objects.get(user=user, course=registered.course).role == expected
