import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import User
from courses.models import Enrollment
from courses.services import enrollments_bulk_create_from_csv
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_bulk_enrolment_creates_missing_accounts_and_skips_those_already_enrolled(course, student):
    text = f"courriel,prénom,nom,groupe\n{student.email}\nmarie.roy@example.org,Marie,Roy,A\n\nJEAN@example.org\n"

    result = enrollments_bulk_create_from_csv(course=course, csv_text=text)

    assert (result.created_users, result.created_enrollments, result.already_enrolled) == (2, 2, 1)
    marie = User.objects.get(email="marie.roy@example.org")
    assert (marie.first_name, marie.last_name, marie.has_usable_password()) == ("Marie", "Roy", False)
    assert Enrollment.objects.get(course=course, user=marie).group == "A"
    assert User.objects.filter(email="jean@example.org").exists()


def test_bulk_enrolment_with_a_bad_line_names_it_and_enrols_nobody(course):
    text = "a@example.org\npas-une-adresse\nb@example.org\n"

    with pytest.raises(ValidationError) as error:
        enrollments_bulk_create_from_csv(course=course, csv_text=text)

    assert "Line 2" in error.value.messages[0] or "Ligne 2" in error.value.messages[0]
    assert not User.objects.filter(email__in=["a@example.org", "b@example.org"]).exists()


def test_instructor_bulk_enrols_from_the_admin(client, course):
    from courses.services import instructor_admin_access_grant

    teacher = EnrollmentFactory(course=course, role=Enrollment.Role.INSTRUCTOR).user
    instructor_admin_access_grant(user=teacher)
    client.force_login(teacher)
    upload = SimpleUploadedFile("classe.csv", "nouvelle@example.org,Nouvelle,Étudiante\n".encode("utf-8-sig"))

    response = client.post(
        reverse("admin:courses_course_bulk_enrol", args=[course.pk]), {"csv_file": upload, "role": "student"}
    )

    assert response.status_code == 302
    assert Enrollment.objects.filter(course=course, user__email="nouvelle@example.org").exists()
    # The new account is invited in the admin user's name, like the studio's CSV.
    from accounts.models import Invitation

    invitation = Invitation.objects.get(user__email="nouvelle@example.org")
    assert invitation.invited_by == teacher and invitation.course_title == course.title


def test_instructor_cannot_manage_a_course_they_do_not_teach_in_the_admin(client, course):
    from courses.services import instructor_admin_access_grant

    other_course_teacher = EnrollmentFactory(role=Enrollment.Role.INSTRUCTOR).user
    instructor_admin_access_grant(user=other_course_teacher)
    client.force_login(other_course_teacher)

    assert client.get(reverse("admin:courses_course_change", args=[course.pk])).status_code == 302
    assert client.get(reverse("admin:courses_course_bulk_enrol", args=[course.pk])).status_code == 404
    listing = client.get(reverse("admin:lessons_lesson_changelist")).content.decode()
    assert course.lessons.first().title not in listing


def test_seed_demo_creates_the_brief_accounts_idempotently(course, monkeypatch):
    from django.core.management import call_command

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("seed_demo", "--students", "5")
    call_command("seed_demo", "--students", "5")

    assert User.objects.filter(username__startswith="etudiant").count() == 5
    assert Enrollment.objects.filter(course=course, role="student").count() == 5
    prof = User.objects.get(username="prof")
    assert prof.check_password("demo1234") and prof.is_staff
    assert Enrollment.objects.get(course=course, user=prof).role == "instructor"
    assert User.objects.get(username="etudiant1").check_password("demo1234")
    assert not User.objects.get(username="etudiant1").lesson_progress.exists()


def test_seed_demo_uses_demo_password_from_the_environment(course, monkeypatch):
    from django.core.management import call_command

    monkeypatch.setenv("DEMO_PASSWORD", "autre-secret-42")
    UserFactory(username="etudiant2")

    call_command("seed_demo")

    assert User.objects.get(username="etudiant2").check_password("autre-secret-42")


def test_bulk_enrolment_matches_existing_emails_whatever_their_capitals(course):
    enrolled = EnrollmentFactory(course=course, user__email="Chloe.Tremblay@Example.org").user
    known = UserFactory(email="Remi.Ouellet@Example.ORG")
    text = "chloe.tremblay@example.org\nREMI.OUELLET@example.org\n"

    result = enrollments_bulk_create_from_csv(course=course, csv_text=text)

    assert (result.created_users, result.created_enrollments, result.already_enrolled) == (0, 1, 1)
    assert User.objects.filter(email__iexact="remi.ouellet@example.org").count() == 1
    assert Enrollment.objects.filter(course=course, user__in=[enrolled, known]).count() == 2


def test_two_accounts_cannot_share_an_email_in_other_capitals():
    from django.db import IntegrityError, transaction

    UserFactory(email="Anne@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(email="anne@EXAMPLE.org")
    UserFactory(email="")
    UserFactory(email="")  # accounts without an address are not affected
