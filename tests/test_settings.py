import os
import subprocess
import sys

from django.conf import settings


def settings_probe(**env):
    """Import the real settings in a fresh interpreter with the given environment."""
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    code = "import coursesite.settings as s; print(s.DATABASES['default']['ENGINE'], s.DEBUG)"
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def test_defaults_are_a_local_sqlite_file_in_debug():
    result = settings_probe()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.sqlite3", "True"]


def test_production_refuses_to_start_without_a_secret_key():
    result = settings_probe(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG=0" in result.stderr


def test_database_url_selects_postgresql():
    result = settings_probe(DATABASE_URL="postgres://u@127.0.0.1:5432/x", DEBUG="0", SECRET_KEY="k" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "False"]


def secret_key_probe(key_file, **env):
    code = "import coursesite.settings as s; print(s.SECRET_KEY)"
    clean = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG", "DATABASE_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", code], env={**clean, "SECRET_KEY_FILE": str(key_file), **env},
        cwd=settings.BASE_DIR, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_a_local_start_without_secret_key_makes_a_random_key_once_and_keeps_it(tmp_path):
    key_file = tmp_path / "var" / "secret_key"

    first = secret_key_probe(key_file)
    again = secret_key_probe(key_file)
    elsewhere = secret_key_probe(tmp_path / "other" / "secret_key")

    assert first == again == key_file.read_text().strip()
    assert len(first) >= 50 and elsewhere != first
    assert "insecure" not in first
    assert key_file.stat().st_mode & 0o077 == 0  # readable by its owner only


def test_a_secret_key_from_the_environment_wins_and_writes_no_file(tmp_path):
    key_file = tmp_path / "secret_key"
    assert secret_key_probe(key_file, SECRET_KEY="s" * 60) == "s" * 60
    assert not key_file.exists()
