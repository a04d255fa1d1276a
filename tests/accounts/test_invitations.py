"""Invitations: accounts the site creates get a signed, single-use, expiring link, sent through the outbox."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from courses.models import Enrollment
from courses.services import enrollments_bulk_create_from_csv
from reminders.models import Kind, Reminder
from reminders.services import reminders_send_pending
from tests.factories import PASSWORD, CourseFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://[^\s\"<]+(/accounts/invitation/[^/\s\"<]+/)")
GOOD_PASSWORD = "Un-mot-de-passe-solide-42"


@pytest.fixture
def invited(db):
    """An instructor enrols two new people by CSV; returns (course, instructor, [users])."""
    course = CourseFactory(title="Marketing numérique")
    instructor = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    enrollments_bulk_create_from_csv(
        course=course, csv_text="anne@example.org,Anne,Roy\nbob@example.org,Bob,Côté\n", invited_by=instructor,
    )
    users = list(course.enrollments.filter(role=Enrollment.Role.STUDENT).order_by("user__email").values_list("user", flat=True))
    from django.contrib.auth import get_user_model

    return course, instructor, list(get_user_model().objects.filter(pk__in=users).order_by("email"))


def link_in(message) -> str:
    return LINK.search(message.body).group(1)


def test_each_created_account_gets_one_invitation_in_the_outbox_sent_once_in_french(invited):
    course, instructor, (anne, bob) = invited

    rows = Reminder.objects.filter(kind=Kind.INVITATION)
    assert sorted(rows.values_list("user__email", "status")) == [("anne@example.org", "pending"), ("bob@example.org", "pending")]
    assert reminders_send_pending() == 2
    assert reminders_send_pending() == 0  # exactly once per invitation
    assert len(mail.outbox) == 2
    message = next(m for m in mail.outbox if m.to == ["anne@example.org"])
    assert message.subject == "Invitation : Marketing numérique"
    assert instructor.display_name in message.body and "Choisissez votre mot de passe" in message.body
    assert link_in(message).startswith("/accounts/invitation/")
    assert "/accounts/invitation/" in message.alternatives[0][0]
    # The link itself is never stored: only the e-mail carries it.
    assert link_in(message).split("/")[3] not in str(list(rows.values_list("context", flat=True)))


def test_enrolling_existing_accounts_sends_no_invitation():
    course = CourseFactory()
    user = UserFactory(email="deja@example.org")
    enrollments_bulk_create_from_csv(course=course, csv_text="deja@example.org\n")

    assert Enrollment.objects.filter(course=course, user=user).exists()
    assert not Invitation.objects.exists() and not Reminder.objects.exists()


def test_invitation_in_the_readers_language():
    course = CourseFactory(title="Cours")
    enrollments_bulk_create_from_csv(course=course, csv_text="eng@example.org\n")
    Invitation.objects.get().user.__class__.objects.filter(email="eng@example.org").update(preferred_language="en")
    reminders_send_pending()

    assert mail.outbox[0].subject == "Invitation: Cours"
    assert "Choose your password" in mail.outbox[0].body


def test_following_the_link_sets_the_password_and_lands_on_the_course_logged_in(client, invited):
    course, _instructor, (anne, _bob) = invited
    reminders_send_pending()
    link = link_in(next(m for m in mail.outbox if m.to == ["anne@example.org"]))

    page = client.get(link)
    assert page.status_code == 200 and 'value="Anne"' in page.content.decode()
    assert Invitation.objects.get(user=anne).opened_at is not None
    answer = client.post(link, {"first_name": "Anne", "last_name": "Roy", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})

    assert answer.status_code == 302 and answer["Location"] == reverse("courses:detail", kwargs={"course": course.slug})
    anne.refresh_from_db()
    assert anne.check_password(GOOD_PASSWORD) and anne.last_login is not None
    assert client.get(answer["Location"]).status_code == 200  # logged in, enrolled


def test_a_refused_password_says_why_and_keeps_the_name(client, invited):
    _course, _instructor, (anne, _bob) = invited
    reminders_send_pending()
    link = link_in(mail.outbox[0])

    answer = client.post(link, {"first_name": "Annie", "last_name": "Roy-Tremblay", "new_password1": "123", "new_password2": "123"})

    body = answer.content.decode()
    assert answer.status_code == 200
    assert 'value="Annie"' in body and 'value="Roy-Tremblay"' in body
    assert "trop court" in body  # Django's validators, in French
    anne.refresh_from_db()
    assert not anne.has_usable_password() and Invitation.objects.get(user=anne).used_at is None


def test_a_used_link_is_refused_and_changes_nothing(client, invited):
    _course, _instructor, (anne, _bob) = invited
    reminders_send_pending()
    link = link_in(next(m for m in mail.outbox if m.to == ["anne@example.org"]))
    client.post(link, {"first_name": "Anne", "last_name": "", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    client.logout()

    again = client.post(link, {"first_name": "Pirate", "last_name": "", "new_password1": "Autre-chose-99!", "new_password2": "Autre-chose-99!"})

    assert again.status_code == 410 and "déjà été utilisée" in again.content.decode()
    anne.refresh_from_db()
    assert anne.check_password(GOOD_PASSWORD) and anne.first_name == "Anne"


@pytest.mark.parametrize("tamper", [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t, lambda t: "nimportequoi"])
def test_a_tampered_link_is_refused_and_changes_nothing(client, invited, tamper):
    _course, _instructor, (anne, _bob) = invited
    reminders_send_pending()
    token = link_in(mail.outbox[0]).split("/")[3]

    answer = client.post(reverse("invitation_accept", kwargs={"token": tamper(token)}),
                         {"first_name": "X", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})

    assert answer.status_code == 400 and "pas valide" in answer.content.decode()
    assert not Invitation.objects.filter(used_at__isnull=False).exists()
    assert not any(u.has_usable_password() for u in invited[2])


def test_another_invitations_nonce_does_not_open_it(client, invited):
    from django.core import signing

    from accounts.tokens import INVITATION_SALT

    _course, _instructor, (anne, bob) = invited
    forged = signing.dumps({"i": Invitation.objects.get(user=bob).pk, "n": Invitation.objects.get(user=anne).nonce}, salt=INVITATION_SALT, compress=True)

    assert client.get(reverse("invitation_accept", kwargs={"token": forged})).status_code == 400


def test_an_expired_link_offers_a_new_one_which_works(client, invited):
    _course, _instructor, (_anne, bob) = invited
    reminders_send_pending()
    old = link_in(next(m for m in mail.outbox if m.to == ["bob@example.org"]))
    mail.outbox.clear()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=7, minutes=1)):
        page = client.get(old)
        assert page.status_code == 410 and "a expiré" in page.content.decode()
        renew = client.post(reverse("invitation_renew", kwargs={"token": old.split("/")[3]}))
        assert renew.status_code == 200
        reminders_send_pending()
        assert [m.to for m in mail.outbox] == [["bob@example.org"]]
        new = link_in(mail.outbox[0])
        assert new != old
        assert client.get(old).status_code == 410  # replaced
        done = client.post(new, {"first_name": "Bob", "last_name": "Côté", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert done.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password(GOOD_PASSWORD)


def test_renewing_is_throttled_like_the_reset_page(client, invited):
    _course, _instructor, (anne, _bob) = invited
    reminders_send_pending()
    token = link_in(next(m for m in mail.outbox if m.to == ["anne@example.org"])).split("/")[3]

    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        for _ in range(6):
            client.post(reverse("invitation_renew", kwargs={"token": token}))
    assert Invitation.objects.filter(user=anne).count() == 1 + 3


def test_password_reset_of_an_invited_account_sends_a_fresh_invitation(client, invited):
    _course, _instructor, (anne, _bob) = invited
    reminders_send_pending()
    mail.outbox.clear()

    answer = client.post(reverse("password_reset"), {"email": "ANNE@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "personne@example.org"})

    assert answer.status_code == unknown.status_code == 302 and answer["Location"] == unknown["Location"]
    assert Invitation.objects.filter(user=anne).count() == 2
    reminders_send_pending()
    assert [m.to for m in mail.outbox] == [["anne@example.org"]]
    assert "/accounts/invitation/" in mail.outbox[0].body


def test_password_reset_of_an_active_account_still_sends_the_reset_email(client):
    user = UserFactory()
    client.post(reverse("password_reset"), {"email": user.email})

    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body
    assert not Invitation.objects.exists()


def test_password_reset_of_an_activated_invited_account_is_a_normal_reset(client, invited):
    _course, _instructor, (anne, _bob) = invited
    anne.set_password(PASSWORD)
    anne.save()
    client.post(reverse("password_reset"), {"email": anne.email})

    assert Invitation.objects.filter(user=anne).count() == 1
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_admin_bulk_enrolment_invites_from_the_admin_user(invited):
    # The studio and the admin share the service; the admin passes its user as the inviter.
    course = CourseFactory()
    admin_user = UserFactory(is_superuser=True, is_staff=True)
    enrollments_bulk_create_from_csv(course=course, csv_text="c@example.org\n", invited_by=admin_user)

    assert Invitation.objects.get(user__email="c@example.org").invited_by == admin_user


def test_a_down_broker_delays_the_invitation_and_never_drops_it(monkeypatch, django_capture_on_commit_callbacks):
    from reminders import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    monkeypatch.setattr(tasks.send_pending_reminders, "delay", broker_down)
    course = CourseFactory()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        enrollments_bulk_create_from_csv(course=course, csv_text="patient@example.org\n")

    assert callbacks and Enrollment.objects.filter(course=course, user__email="patient@example.org").exists()
    assert list(Reminder.objects.filter(kind=Kind.INVITATION).values_list("status", flat=True)) == ["pending"]
    assert not mail.outbox
    # The periodic send (beat, every 5 minutes) finds it.
    assert reminders_send_pending() == 1 and mail.outbox[0].to == ["patient@example.org"]


def test_an_account_made_by_an_lms_launch_is_active_once_it_launched():
    """LTI accounts have no password: not activated (no reminders) until their first launch logs them in."""
    from django.contrib.auth import get_user_model

    from accounts.selectors import account_is_activated, never_activated_q

    user = get_user_model()(username="lti-abc", email="lti@example.org")
    user.set_unusable_password()
    user.save()
    assert not account_is_activated(user) and get_user_model().objects.filter(never_activated_q(), pk=user.pk).exists()

    user.last_login = timezone.now()  # what django.contrib.auth.login() does on the launch
    user.save()
    assert account_is_activated(user) and not get_user_model().objects.filter(never_activated_q(), pk=user.pk).exists()
