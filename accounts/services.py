"""Writes about accounts."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import PasswordResetRequest

PASSWORD_RESET_WINDOW = timedelta(hours=1)


@transaction.atomic
def password_reset_request_allow(*, email: str, ip_address: str, now=None) -> bool:
    """Record a reset request; True if its e-mail may go (under the hourly limits per address and per client).

    Refused requests are recorded too, so hammering one address keeps it limited. Rows older than
    the window are pruned here: the table only ever holds the last hour's requests.
    """
    now = now or timezone.now()
    since = now - PASSWORD_RESET_WINDOW
    email = email.strip().lower()
    PasswordResetRequest.objects.filter(created_at__lt=since).delete()
    recent = PasswordResetRequest.objects.filter(created_at__gte=since)
    allowed = (
        recent.filter(email=email).count() < settings.PASSWORD_RESET_LIMIT_PER_EMAIL
        and recent.filter(ip_address=ip_address).count() < settings.PASSWORD_RESET_LIMIT_PER_IP
    )
    PasswordResetRequest.objects.create(email=email[:254], ip_address=ip_address[:45])
    return allowed
