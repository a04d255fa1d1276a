"""Test settings: the same as production-like settings, minus slow hashing and real e-mail."""

from coursesite.settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Manifest storage 404s under live_server; tests use the plain storage.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test gets an empty cache of its own (tests/conftest.py clears it), in the test process's memory, even
# with REDIS_URL set; tests/cluster/test_shared_cache.py checks the Redis cache that the nodes share.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Tests choose eager mode where they want it (settings fixture); by default tasks go to the broker.
CELERY_TASK_ALWAYS_EAGER = False

# The real-worker tests wait for their tasks, so results are kept there, in the test Redis database.
CELERY_RESULT_BACKEND = REDIS_URL  # noqa: F405
CELERY_TASK_IGNORE_RESULT = False
CELERY_RESULT_EXPIRES = 600
