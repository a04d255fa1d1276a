"""The people page shows where each account stands and sends invitations again."""

import datetime

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import Invitation
from courses.models import Enrollment
from reminders.models import Kind, Reminder
from reminders.services import reminders_send_pending
from tests.studio.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(studio, prof):
    prof.post(url(studio, "people/"), {"csv-role": "student", "csv-create_accounts": "on",
                                         "csv-csv_file": _csv("a@example.org,Anne,Roy\nb@example.org,Bob,Côté\n")})
    return {e.user.email: e.user for e in Enrollment.objects.filter(course=studio["course"], user__email__endswith="@example.org",
                                                                      user__email__in=["a@example.org", "b@example.org"])}


def _csv(text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("people.csv", text.encode())


def row(page, email):
    body = page.content.decode()
    start = body.index(f'data-testid="person-{email}"')
    return body[start:body.index("</tr>", start)]


def test_people_page_shows_invited_sent_opened_and_active(studio, prof, invited):
    assert len(invited) == 2
    page = prof.get(url(studio, "people/"))
    assert "invité" in row(page, "a@example.org") and "en attente d’envoi" in row(page, "a@example.org")
    assert "actif" in row(page, studio["student"].email)

    reminders_send_pending()
    Invitation.objects.filter(user=invited["a@example.org"]).update(opened_at=timezone.now())
    page = prof.get(url(studio, "people/"))
    assert "envoyée le" in row(page, "a@example.org") and "ouverte" in row(page, "a@example.org")
    assert "pas ouverte" in row(page, "b@example.org")
    assert "2 pas encore activés" in page.content.decode()


def test_failed_invitation_shows_bounced(studio, prof, invited):
    Reminder.objects.filter(kind=Kind.INVITATION, user=invited["b@example.org"]).update(status=Reminder.Status.FAILED)
    assert "non distribuée" in row(prof.get(url(studio, "people/")), "b@example.org")


def test_expired_invitation_shows_and_resend_gives_a_new_link(studio, prof, invited):
    bob = invited["b@example.org"]
    Invitation.objects.filter(user=bob).update(created_at=timezone.now() - datetime.timedelta(days=9),
                                               expires_at=timezone.now() - datetime.timedelta(days=2))
    assert "invitation expirée" in row(prof.get(url(studio, "people/")), "b@example.org")

    answer = prof.post(url(studio, f"people/{bob.pk}/"), {"action": "resend"})

    assert answer.status_code == 302
    assert Invitation.objects.filter(user=bob).count() == 2
    assert Reminder.objects.filter(kind=Kind.INVITATION, user=bob).count() == 2
    assert "invité" in row(prof.get(url(studio, "people/")), "b@example.org")


def test_resend_all_pending_reaches_only_accounts_not_activated(studio, prof, invited):
    anne = invited["a@example.org"]
    anne.set_password("Un-mot-de-passe-solide-42")
    anne.save()
    before = Invitation.objects.count()

    prof.post(url(studio, "people/resend-invitations/"))

    assert Invitation.objects.count() == before + 1
    assert Invitation.objects.latest("pk").user == invited["b@example.org"]
    reminders_send_pending()
    # Anne's first invitation, and Bob's two pending invitations in one e-mail (one per person and kind).
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]


def test_resend_to_an_active_account_sends_nothing(studio, prof):
    prof.post(url(studio, f"people/{studio['student'].pk}/"), {"action": "resend"})
    assert not Invitation.objects.exists()


@pytest.mark.parametrize("who", ["assistant", "student"])
def test_only_instructors_resend(studio, invited, who):
    client = Client()
    client.force_login(studio[who])
    bob = invited["b@example.org"]

    answers = [client.post(url(studio, "people/resend-invitations/")), client.post(url(studio, f"people/{bob.pk}/"), {"action": "resend"})]

    assert {a.status_code for a in answers} == {403}
    assert Invitation.objects.filter(user=bob).count() == 1


def test_enrolling_new_people_says_their_invitations_are_on_their_way(studio, prof):
    answer = prof.post(url(studio, "people/"), {"csv-role": "student", "csv-create_accounts": "on",
                                                  "csv-csv_file": _csv("c@example.org\nd@example.org\n")}, follow=True)
    assert "Des courriels d’invitation sont en route vers les 2 nouveaux comptes." in answer.content.decode()

    answer = prof.post(url(studio, "people/"), {"one-email": "e@example.org", "one-role": "student", "one-create_accounts": "on"}, follow=True)
    assert "Un courriel d’invitation est en route vers 1 nouveau compte." in answer.content.decode()
