"""Accounts that never came in get their invitation (and at most two reminders of it), nothing else."""

import datetime

import pytest
from django.core import mail

from accounts.models import Invitation
from courses.models import Enrollment
from courses.services import enrollments_bulk_create_from_csv
from reminders.digest import instructor_digest_content
from reminders.models import EmailOptOut, Kind, Reminder
from reminders.services import reminder_sweep, reminders_send_pending, weekly_digests
from reminders.tokens import read_unsubscribe_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def invited(cohort, quiz_due):
    """Two people invited by CSV into the cohort's course (quiz due in 40 h), never activated."""
    course = quiz_due.lesson.course
    enrollments_bulk_create_from_csv(course=course, csv_text="neuf@example.org\nnouveau@example.org\n", invited_by=cohort["instructor"])
    return list(Enrollment.objects.filter(course=course, user__email__in=["neuf@example.org", "nouveau@example.org"]).values_list("user_id", flat=True))


def kinds_for(user_ids):
    return sorted(Reminder.objects.filter(user_id__in=user_ids).values_list("kind", flat=True))


def test_quiz_and_inactivity_reminders_skip_never_activated_accounts(cohort, invited, now):
    later = now + datetime.timedelta(days=8)  # everyone is inactive; the quiz is overdue
    reminder_sweep(now=now)
    reminder_sweep(now=later)

    assert set(kinds_for(invited)) <= {Kind.INVITATION, Kind.INVITATION_REMINDER}
    students = [u.pk for u in cohort["students"]]
    assert {Kind.DUE_SOON, Kind.INACTIVITY} <= set(kinds_for(students))


def test_weekly_digest_skips_never_activated_accounts_and_counts_them_for_the_instructor(cohort, invited, now, quiz_due):
    weekly_digests(now=now)

    assert Kind.STUDENT_SUMMARY not in kinds_for(invited)
    assert Reminder.objects.filter(kind=Kind.STUDENT_SUMMARY, user__in=cohort["students"]).count() == 3
    digest = Reminder.objects.get(kind=Kind.INSTRUCTOR_DIGEST, user=cohort["instructor"])
    assert digest.context["not_activated"] == 2
    reminders_send_pending()
    text = next(m for m in mail.outbox if m.to == [cohort["instructor"].email]).body
    assert "2 personnes n’ont pas encore activé leur compte" in text


def test_an_account_that_activates_gets_reminders_again(cohort, invited, now, quiz_due):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=invited[0])
    user.set_password("Un-mot-de-passe-solide-42")
    user.last_login = now
    user.save()
    reminder_sweep(now=now)

    assert Kind.DUE_SOON in kinds_for([user.pk])
    assert instructor_digest_content(quiz_due.lesson.course, now)["not_activated"] == 1


def test_at_most_two_invitation_reminders_days_apart(invited, now):
    user_id = invited[0]
    Invitation.objects.filter(user_id__in=invited).update(created_at=now)
    days = {}
    for day in (1, 2, 3, 4, 5, 6):
        reminder_sweep(now=now + datetime.timedelta(days=day, minutes=1))
        days[day] = Reminder.objects.filter(kind=Kind.INVITATION_REMINDER, user_id=user_id).count()

    assert days == {1: 0, 2: 1, 3: 1, 4: 2, 5: 2, 6: 2}


def test_invitation_reminders_honour_the_opt_out_and_stop_once_accepted(invited, now):
    opted, accepted = invited
    Invitation.objects.filter(user_id__in=invited).update(created_at=now)
    EmailOptOut.objects.create(user_id=opted, kind=Kind.INVITATION_REMINDER)
    Invitation.objects.filter(user_id=accepted).update(used_at=now)

    reminder_sweep(now=now + datetime.timedelta(days=3))

    assert not Reminder.objects.filter(kind=Kind.INVITATION_REMINDER).exists()


def test_the_invitations_unsubscribe_link_stops_only_its_reminders(invited):
    reminders_send_pending()
    message = mail.outbox[0]
    token = message.extra_headers["List-Unsubscribe"].strip("<>").rstrip("/").split("/")[-1]

    assert read_unsubscribe_token(token)[1] == Kind.INVITATION_REMINDER
