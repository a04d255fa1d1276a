#!/usr/bin/env bash
# Several machines' worth of processes on this one: two web nodes (gunicorn) on two ports behind HAProxy,
# two Celery workers and one beat, all on the same PostgreSQL and Redis. Mirrors scripts/serve.sh (same
# environment variables and defaults); nothing is kept in one process's memory (docs/decisions/0023).
# Ctrl-C stops everything.
#
#   PORT (8000)                 the load balancer, the site's address
#   NODE_PORTS ("8001 8002")    one web node per port
#   WEB_WORKERS (2)             gunicorn workers per node
#   CELERY_WORKERS (2)          Celery worker processes (each with CELERY_CONCURRENCY, default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin

export DEBUG=0
export HTTPS="${HTTPS:-0}"   # loopback without TLS; production keeps the default (1)
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/coursesite}"
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/2}"   # broker and Django's cache, shared by every node
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
PORT="${PORT:-8000}"
NODE_PORTS="${NODE_PORTS:-8001 8002}"
export SITE_URL="${SITE_URL:-http://127.0.0.1:${PORT}}"
mkdir -p var
if [ -z "${SECRET_KEY:-}" ]; then
  # One key for every node: a session or CSRF token signed by one node is read by the other.
  [ -s var/secret_key ] || "$BIN/python" -c "import secrets; print(secrets.token_urlsafe(64))" > var/secret_key
  SECRET_KEY="$(cat var/secret_key)"; export SECRET_KEY
fi
command -v haproxy >/dev/null || { echo "HAProxy is missing: run 'make serve-cluster' (it installs Debian's haproxy)." >&2; exit 1; }

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
else
  echo "Several nodes need one database server: set DATABASE_URL to PostgreSQL." >&2; exit 1
fi

"$BIN/python" manage.py migrate --noinput -v0
"$BIN/python" manage.py collectstatic --noinput -v0
"$BIN/python" manage.py import_course seeds/
"$BIN/python" manage.py seed_demo --students "${DEMO_STUDENTS:-60}"

# The load balancer: round robin over the nodes, each checked on /livez (a node that stops answering is
# taken out; the broker's health is not the balancer's business: pages are served without it).
servers=""
n=0
for node_port in $NODE_PORTS; do
  n=$((n + 1))
  servers+="    server web${n} 127.0.0.1:${node_port} check inter 2s fall 3 rise 1"$'\n'
done
cat > var/haproxy.cfg <<CFG
global
    maxconn 4096
defaults
    mode http
    timeout connect 5s
    timeout client 90s
    timeout server 90s
    option forwardfor
    option http-server-close
frontend site
    bind 127.0.0.1:${PORT}
    default_backend nodes
backend nodes
    balance roundrobin
    option httpchk GET /livez
    http-check expect status 200
    # A busy node answers its check late, a dead one refuses it at once: a check may take as long as a request
    # queued behind a cohort's submits (at 1,000 students in a minute on 2 cores, seconds), so only a node that
    # stops answering is taken out, never two busy ones (which left no server: 503 to every student).
    timeout check 20s
    option redispatch
    retries 2
    http-response set-header X-Served-By %s
${servers}
CFG
haproxy -c -q -f var/haproxy.cfg

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

for w in $(seq 1 "${CELERY_WORKERS:-2}"); do
  "$BIN/celery" -A coursesite worker --hostname "worker${w}@%h" --loglevel=warning \
    --concurrency="${CELERY_CONCURRENCY:-1}" --without-gossip --without-mingle &
  pids+=($!)
done
"$BIN/celery" -A coursesite beat --loglevel=warning --scheduler django_celery_beat.schedulers:DatabaseScheduler \
  --schedule var/celerybeat-schedule --pidfile= &
pids+=($!)
n=0
for node_port in $NODE_PORTS; do
  n=$((n + 1))
  "$BIN/gunicorn" coursesite.wsgi --bind "127.0.0.1:${node_port}" --workers "${WEB_WORKERS:-2}" \
    --no-control-socket --log-level warning --name "coursesite-web${n}" &
  pids+=($!)
done
haproxy -db -f var/haproxy.cfg &
pids+=($!)
echo "Serving on http://127.0.0.1:${PORT}/ (HAProxy over web nodes on ports ${NODE_PORTS}, ${WEB_WORKERS:-2} gunicorn workers each;"
echo "${CELERY_WORKERS:-2} Celery workers, one beat); health of a node: http://127.0.0.1:<node port>/healthz"
wait -n "${pids[@]}"
