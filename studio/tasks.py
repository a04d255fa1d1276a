from celery import shared_task

from studio.services import enrolment_import_run


@shared_task(name="studio.enrolment_import_run")
def enrolment_import_task(import_id: int) -> str:
    """A large CSV enrolment, queued by the people page: the same all-or-nothing service, off the request."""
    return enrolment_import_run(import_id=import_id)
