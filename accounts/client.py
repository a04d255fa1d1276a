"""Who is knocking: the client address and the login name that the throttles count.

Behind a reverse proxy every request comes from the proxy's address, so a
lockout by (username, address) becomes a lockout by username, which anyone can
trigger against a student. The real address is read from the proxy's header,
but only when the deployment names that header (`CLIENT_IP_HEADER`, off by
default): without a proxy, anyone can send the header and pick their address.
"""

from django.conf import settings

# AccessAttempt.username is a varchar(255); the longest real username is 150 characters.
MAX_THROTTLED_USERNAME = 255


def client_ip(request) -> str:
    """The client's address: the configured proxy header's rightmost entry, else the socket's peer."""
    header = getattr(settings, "CLIENT_IP_HEADER", "")
    if header:
        meta_key = "HTTP_" + header.upper().replace("-", "_")
        # The proxy appends the address it saw; entries to its left come from the client and prove nothing.
        forwarded = [part.strip() for part in request.META.get(meta_key, "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-1][:45]
    return request.META.get("REMOTE_ADDR", "")


def login_username(request, credentials=None) -> str:
    """The username the login throttle counts, cut to what its table holds (a longer name matches no account)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    return str(source.get(settings.AXES_USERNAME_FORM_FIELD, "") or "")[:MAX_THROTTLED_USERNAME]
