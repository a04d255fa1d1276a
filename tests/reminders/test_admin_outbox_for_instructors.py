"""The e-mail outbox in the admin spans every course: an instructor is told it is the site administrators'
and where their own course's e-mails are shown, not that they are outside the teaching team."""

import pytest
from django.urls import reverse

from reminders.models import EmailOptOut, Reminder
from tests.factories import CourseFactory, EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def teacher():
    course = CourseFactory(slug="marketing-admin", title="Marketing numérique")
    return EnrollmentFactory(course=course, role="instructor", user=UserFactory(is_staff=True)).user


@pytest.mark.parametrize("page", ["changelist", "add", "change", "delete", "history"])
@pytest.mark.parametrize("model", [Reminder, EmailOptOut])
def test_an_instructor_is_told_the_outbox_is_for_site_administrators(client, teacher, page, model):
    student = EnrollmentFactory().user
    row = Reminder.objects.create(user=student, kind="due_soon", object_key="quiz:1", window="24h") if model is Reminder \
        else EmailOptOut.objects.create(user=student, kind="due_soon")
    name = f"admin:reminders_{model._meta.model_name}_{page}"
    client.force_login(teacher)

    response = client.get(reverse(name) if page in ("changelist", "add") else reverse(name, args=[row.pk]))

    body = response.content.decode()
    assert response.status_code == 403
    assert "Réservé aux administrateurs du site" in body
    assert "réservée à l’équipe enseignante" not in body  # the old, wrong message
    assert reverse("courses:studio:upcoming", kwargs={"course": "marketing-admin"}) in body
    assert student.username not in body


def test_the_admin_index_does_not_offer_the_outbox_to_an_instructor(client, teacher):
    client.force_login(teacher)

    assert reverse("admin:reminders_reminder_changelist") not in client.get(reverse("admin:index")).content.decode()


def test_a_superuser_still_reads_the_outbox(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get(reverse("admin:reminders_reminder_changelist")).status_code == 200
    assert client.get(reverse("admin:reminders_emailoptout_changelist")).status_code == 200
