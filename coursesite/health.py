"""`/healthz`: is this process able to serve? Checks the database and the broker, says which failed."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

# Seconds each broker step may take: /healthz answers within about two seconds whatever the broker does.
HEALTH_TIMEOUT = 0.8


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded"  # make run: tasks run inline, there is no broker to reach
    from coursesite.celery import app

    # A broker that accepts and never answers must not hold this page: one try, one second per step,
    # and a PING that needs an answer (connecting alone succeeds against a silent listener).
    base = app.connection_for_write()
    options = {**base.transport_options, "socket_connect_timeout": HEALTH_TIMEOUT, "socket_timeout": HEALTH_TIMEOUT,
               "max_retries": 0}
    with base.clone(connect_timeout=HEALTH_TIMEOUT, transport_options=options) as conn:
        conn.ensure_connection(max_retries=0, timeout=HEALTH_TIMEOUT)
        client = getattr(conn.default_channel, "client", None)
        if client is not None:
            client.ping()
    base.release()
    return "ok"


@never_cache
def livez(request):
    """Liveness for a load balancer: answers as soon as the process runs, touching nothing.

    It goes through the whole middleware stack, so it is also the framework's floor in bench/load.py.
    """
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def healthz(request):
    checks = {}
    for name, check in (("database", _database), ("broker", _broker)):
        try:
            checks[name] = check()
        except Exception as exc:  # noqa: BLE001 - reported, not raised: this page must answer
            checks[name] = f"error: {type(exc).__name__}"
    healthy = all(value in ("ok", "embedded") for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503)
