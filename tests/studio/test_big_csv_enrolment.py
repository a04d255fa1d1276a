"""A CSV enrolment above ASYNC_ENROLMENT_LINES runs in a worker with a progress page and its report,
through the same all-or-nothing service as the page (issue 20: 20,000 accounts in one request)."""

import pytest

from courses.models import Enrollment
from studio import services
from studio.models import EnrolmentImport
from tests.studio.conftest import url
from tests.studio.test_settings_lessons_people import csv_upload


@pytest.fixture
def small_threshold(monkeypatch, settings):
    # The rule, not the size: three lines stand for the 2,000 that make a request too long.
    monkeypatch.setattr(services, "ASYNC_ENROLMENT_LINES", 3)
    settings.CELERY_TASK_ALWAYS_EAGER = True


def test_the_threshold_is_two_thousand_lines():
    assert services.ASYNC_ENROLMENT_LINES == 2_000


def test_a_large_csv_is_queued_then_enrolled_by_the_worker_with_its_report(studio, prof, small_threshold, django_capture_on_commit_callbacks):
    text = "".join(f"p{n}@example.org,Prénom{n},Nom{n},G1\n" for n in range(5))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload(text), "csv-role": "student", "csv-create_accounts": "on"})
    job = EnrolmentImport.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/people/imports/{job.pk}/")
    assert job.status == "queued" and job.line_count == 5 and len(callbacks) == 1
    page = prof.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and 'data-testid="import-progress"' in page
    assert not Enrollment.objects.filter(course=studio["course"], group="G1").exists()

    callbacks[0]()  # the task, run by the (eager) worker
    job.refresh_from_db()
    assert job.status == "done" and job.report == {"created_users": 5, "enrolled": 5, "already_enrolled": 0} and job.csv_text == ""
    assert Enrollment.objects.filter(course=studio["course"], group="G1").count() == 5
    page = prof.get(response["Location"]).content.decode()
    assert "5 personnes inscrites (5 nouveaux comptes)" in page and 'http-equiv="refresh"' not in page
    assert services.enrolment_import_run(import_id=job.pk) == "skipped"  # a second delivery does nothing


def test_a_large_csv_with_one_bad_line_enrols_nobody_and_the_report_names_the_line(studio, prof, small_threshold, django_capture_on_commit_callbacks):
    text = "".join(f"p{n}@example.org,A,B\n" for n in range(4)) + "pas-un-courriel,A,B\n"
    with django_capture_on_commit_callbacks(execute=True):
        response = prof.post(url(studio, "people/"), {"csv-csv_file": csv_upload(text), "csv-role": "student", "csv-create_accounts": "on"})
    assert EnrolmentImport.objects.get().status == "failed"
    page = prof.get(response["Location"]).content.decode()
    assert "Ligne 5" in page and "Rien n’a été enregistré" in page
    assert not Enrollment.objects.filter(course=studio["course"], user__email="p0@example.org").exists()


def test_another_course_cannot_see_an_import(studio, prof, small_threshold):
    from tests.factories import CourseFactory

    job = EnrolmentImport.objects.create(course=CourseFactory(), role="student", csv_text="", line_count=1)
    assert prof.get(url(studio, f"people/imports/{job.pk}/")).status_code == 404
