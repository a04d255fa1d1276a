"""`/healthz`: is this process able to serve? Checks the database and the broker, says which failed."""

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


def _database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def _broker() -> str:
    from django.conf import settings

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded"  # make run: tasks run inline, there is no broker to reach
    from coursesite.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
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
