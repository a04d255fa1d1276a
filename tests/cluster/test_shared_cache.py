"""With REDIS_URL set, Django's cache is Redis: what one node marks, every other node sees.

Two separate processes with the production settings (not the tests' per-test memory cache): the first
queues a class's standings refresh (the gradebook's "refresh queued" mark), the second, another node,
finds it there and does not queue it again.
"""

import os
import subprocess
import sys
import uuid

import pytest
from django.conf import settings

pytestmark = pytest.mark.processes

NODE = """
import django, sys
django.setup()
from django.conf import settings
from django.core.cache import cache
assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache", settings.CACHES
print("first" if cache.add(sys.argv[1], "queued", timeout=60) else "already")
"""


def node(mark: str) -> str:
    env = {
        **os.environ, "DJANGO_SETTINGS_MODULE": "coursesite.settings", "REDIS_URL": settings.REDIS_URL,
        "DEBUG": "0", "HTTPS": "0", "SECRET_KEY": "shared-cache-test-" + "k" * 40,
    }
    done = subprocess.run([sys.executable, "-c", NODE, mark], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.strip()


def test_a_mark_one_node_puts_in_the_cache_is_seen_by_another_node():
    mark = f"gradebook:refresh-queued:test-{uuid.uuid4().hex}"
    assert node(mark) == "first"
    assert node(mark) == "already"
