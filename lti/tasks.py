from celery import shared_task
from django.utils import timezone

from lti.models import LtiLaunchData
from lti.services import scores_send_due


@shared_task(name="lti.send_due_scores")
def send_due_scores() -> int:
    """Queued after each graded attempt, regrade or override, and run by beat every 5 minutes for retries."""
    # Login state lives minutes; clear what expired on the same beat.
    LtiLaunchData.objects.filter(expires_at__lt=timezone.now()).delete()
    return scores_send_due()
