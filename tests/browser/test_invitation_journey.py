"""Two new people enrolled by CSV come in through their invitations, one of them after the link expired."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from courses.models import Enrollment
from tests.browser.test_accessibility import blocking_violations
from tests.factories import PASSWORD, EnrollmentFactory, LessonFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LINK = re.compile(r"http://[^\s]+?(/accounts/invitation/[^/\s]+/)")
NEW_PASSWORD = "Un-mot-de-passe-solide-42"


def invitation_path(address: str) -> str:
    message = [m for m in mail.outbox if m.to == [address]][-1]
    return LINK.search(message.body).group(1)


def choose_password(page, live_server, path, first_name, found=None):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", name="Choisissez votre mot de passe")).to_be_visible()
    if found is not None:
        found["invitation page"] = blocking_violations(page)
    page.get_by_label("Prénom").fill(first_name)
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Enregistrer mon mot de passe et entrer").click()


def test_csv_invitations_open_accounts_and_an_expired_link_is_renewed(live_server, page, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True  # the outbox is sent right after the commit, as a worker would
    lesson = LessonFactory(slug="push-pull", title="Push et Pull", position=1)
    course = lesson.course
    prof = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR, user=UserFactory(username="prof")).user
    page.set_default_timeout(20_000)

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Nom d’utilisateur").fill(prof.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/courses/{course.slug}/studio/people/")
    csv = "courriel,prénom,nom\nanne@example.org,Anne,Roy\nbob@example.org,Bob,Côté\n"
    page.locator("#id_csv-csv_file").set_input_files(files=[{"name": "classe.csv", "mimeType": "text/csv", "buffer": csv.encode()}])
    page.get_by_label("Créer des comptes").check()
    page.get_by_test_id("csv-form").get_by_role("button", name="Inscrire").click()
    expect(page.get_by_text("Des courriels d’invitation sont en route vers les 2 nouveaux comptes.")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["anne@example.org", "bob@example.org"]
    expect(page.get_by_test_id("person-anne@example.org").get_by_test_id("account-state")).to_contain_text("invité")
    found = {"people page with invitations": blocking_violations(page)}

    # Anne follows her link, sets a password and lands on the course.
    choose_password(page, live_server, invitation_path("anne@example.org"), "Anne", found)
    expect(page).to_have_url(f"{live_server.url}/courses/{course.slug}/")
    expect(page.get_by_text("Bienvenue!")).to_be_visible()

    # Bob waits too long: the page says so and sends a new link, which works.
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8), tick=True):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}{invitation_path('bob@example.org')}")
        expect(page.get_by_role("heading", name="Cette invitation a expiré")).to_be_visible()
        found["expired invitation page"] = blocking_violations(page)
        page.get_by_role("button", name="M’envoyer une nouvelle invitation").click()
        expect(page.get_by_test_id("invitation-renewed")).to_be_visible()
        assert len([m for m in mail.outbox if m.to == ["bob@example.org"]]) == 2
        choose_password(page, live_server, invitation_path("bob@example.org"), "Robert")
        expect(page).to_have_url(f"{live_server.url}/courses/{course.slug}/")

        # The people page: Anne active (last login), Bob active too.
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Nom d’utilisateur").fill(prof.username)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.goto(f"{live_server.url}/courses/{course.slug}/studio/people/")
        for address in ("anne@example.org", "bob@example.org"):
            state = page.get_by_test_id(f"person-{address}").get_by_test_id("account-state")
            expect(state).to_contain_text("actif")
            expect(state).to_contain_text("dernière connexion")
    assert {name: problems for name, problems in found.items() if problems} == {}
