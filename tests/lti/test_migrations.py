"""Migration 0003/0004 on existing data: links go to their issuer's first registration, memberships are kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([("lti", target)])
    return executor.loader.project_state([("lti", target)]).apps


def test_existing_links_join_their_registration_and_keep_their_lms_course():
    from django.core.management import call_command

    try:
        old = _migrate("0002_beat_schedule")
        Course = old.get_model("courses", "Course")
        User = old.get_model("accounts", "User")
        Enrollment = old.get_model("courses", "Enrollment")
        course = Course.objects.create(slug="c", title="C")
        user = User.objects.create(username="u")
        Enrollment.objects.create(course=course, user=user, role="student")
        Platform = old.get_model("lti", "LtiPlatform")
        fields = dict(issuer="https://lms.example.org", auth_login_url="https://lms.example.org/a",
                      auth_token_url="https://lms.example.org/t", key_set_url="https://lms.example.org/k", course=course)
        first = Platform.objects.create(name="A", client_id="a", **fields)
        Platform.objects.create(name="B", client_id="b", **fields)
        deployment = old.get_model("lti", "LtiDeployment").objects.create(platform=first, deployment_id="1")
        context = old.get_model("lti", "LtiContext").objects.create(platform=first, deployment=deployment, context_id="x", course=course)
        old.get_model("lti", "LtiUserLink").objects.create(issuer="https://lms.example.org", sub="s", user=user)
        old.get_model("lti", "LtiUserLink").objects.create(issuer="https://gone.example.org", sub="s", user=user)

        new = _migrate("0005_user_link_unique_per_registration")

        [link] = new.get_model("lti", "LtiUserLink").objects.all()  # the orphan link is gone
        assert (link.platform_id, link.owns_account) == (first.pk, True)
        assert list(new.get_model("lti", "LtiMembership").objects.values_list("context_id", "user_link_id")) == [(context.pk, link.pk)]
    finally:
        call_command("migrate", "lti", verbosity=0)
