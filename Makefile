# Two commands: `make run` (try the site on SQLite) and `make test` (the whole suite).
# Both create .venv and install what they need, Debian's chromium included for the browser tests.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt requirements.lock | md5sum | cut -c1-12)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install chromium haproxy migrate seed messages serve serve-cluster bench-load bench-exam clean

install: $(STAMP)

$(STAMP):
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c requirements.lock
	@rm -f $(VENV)/.installed-*
	@touch $@

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests…"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

haproxy:
	@command -v haproxy >/dev/null 2>&1 || { \
		echo "Installing Debian's haproxy for make serve-cluster…"; \
		$(SUDO) apt-get update -qq && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >/dev/null; }

migrate: $(STAMP)
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0

seed: migrate
	$(BIN)/python manage.py import_course seeds/
	$(BIN)/python manage.py seed_demo

run: seed
	@echo ""
	@echo "  Course site: http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	@echo "  Demo accounts: prof (instructor), etudiant1, etudiant2, etudiant3 (students)"
	@echo "  Password: $${DEMO_PASSWORD:-demo1234}"
	@echo ""
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP) chromium
	$(BIN)/python -m pytest

# Production-like stack on this machine: gunicorn, PostgreSQL and Redis from the environment, Celery worker and beat.
serve: $(STAMP)
	./scripts/serve.sh

# The same stack as several machines' worth of processes: two web nodes behind HAProxy (port $(PORT); nodes
# on NODE_PORTS, default 8001 8002), two Celery workers and one beat, one PostgreSQL and one Redis.
serve-cluster: $(STAMP) haproxy
	./scripts/serve_cluster.sh

# Load test against `make serve` (run it in another terminal first): 50 students for 60 s.
bench-load: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt -c requirements.lock
	$(BIN)/python bench/load.py

# The exam hour against `make serve`: BENCH_STUDENTS (300) log in, start one timed quiz within 60 s, autosave,
# submit, read the result; then how long until standings, review cards and LTI scores are consistent.
bench-exam: $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-bench.txt -c requirements.lock
	$(BIN)/python bench/exam.py

# Regenerate the message catalogues after changing translatable strings (needs gettext).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l fr_CA -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/*.sqlite3 staticfiles .pytest_cache
