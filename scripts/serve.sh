#!/usr/bin/env bash
# A production-like stack on this machine: gunicorn + whitenoise, PostgreSQL and Redis from the
# environment, one Celery worker and one beat. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

export DEBUG=0
export HTTPS="${HTTPS:-0}"   # loopback without TLS; production keeps the default (1)
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coursesite}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/2}"
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT:-8000}}"
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key
  SECRET_KEY="$(cat var/secret_key)"; export SECRET_KEY
fi

# Create the database if PostgreSQL does not have it yet (trust auth on this machine).
if [[ "$DATABASE_URL" == postgres* ]]; then
  "$BIN/python" - <<'PY'
import os, psycopg
from urllib.parse import urlparse
url = urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
PY
fi

"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py collectstatic --noinput -v0
"$BIN/python" manage.py import_course seeds/
"$BIN/python" manage.py seed_demo --students "${DEMO_STUDENTS:-60}"

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

"$BIN/celery" -A coursesite worker --loglevel=warning --concurrency=2 --without-gossip --without-mingle &
pids+=($!)
"$BIN/celery" -A coursesite beat --loglevel=warning --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  --schedule var/celerybeat-schedule --pidfile= &
pids+=($!)
# Web workers: gthread, 2 × cores + 1 processes of WEB_THREADS threads each (docs/decisions/0022-the-exam-hour.md).
# A request that waits on PostgreSQL or on a row lock then holds a thread, not a whole process, while the
# other threads keep the cores busy; each thread keeps its own persistent database connection (CONN_MAX_AGE),
# so processes × threads stays well under PostgreSQL's max_connections (100 by default).
CORES="$(nproc 2>/dev/null || echo 2)"
WEB_WORKERS="${WEB_WORKERS:-$((2 * CORES + 1))}"
WEB_WORKER_CLASS="${WEB_WORKER_CLASS:-gthread}"
WEB_THREADS="${WEB_THREADS:-4}"
echo "Serving on http://127.0.0.1:${PORT:-8000}/ (gunicorn, $WEB_WORKERS $WEB_WORKER_CLASS workers × $WEB_THREADS threads); health: /healthz"
"$BIN/gunicorn" coursesite.wsgi --bind "127.0.0.1:${PORT:-8000}" --workers "$WEB_WORKERS" \
  --worker-class "$WEB_WORKER_CLASS" --threads "$WEB_THREADS" --backlog 2048 --timeout 60 \
  --no-control-socket --log-level warning &
pids+=($!)
wait -n "${pids[@]}"
