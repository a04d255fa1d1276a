"""Settings read from the environment, with safe local defaults.

Without any variable set the site runs on an SQLite file under var/ with
console e-mail, which is what `make run` relies on. Production sets DEBUG=0,
which makes SECRET_KEY mandatory and turns on the secure-cookie settings.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from coursesite.secret_key import local_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()

DEBUG = env.bool("DEBUG", default=True)

if DEBUG:
    # A local start without SECRET_KEY makes a random key once and keeps it in var/ (never a fixed,
    # public key: it would sign forgeable links); DEBUG=0 refuses to start without one.
    SECRET_KEY = env("SECRET_KEY", default="") or local_secret_key(
        Path(env("SECRET_KEY_FILE", default=str(VAR_DIR / "secret_key")))
    )
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG=0.") from exc

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "bootstrap",
    "django_celery_beat",
    "axes",
    "accounts",
    "courses",
    "lessons",
    "quizzes",
    "discussions",
    "notifications",
    "reminders",
    "gradebook",
    "studio",
    "lti",
    "review",
    "demo",
    # The composition root: the site's URLs and the commands that compose several apps (import_course).
    "coursesite",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside the session middleware: it sees the session cookie on its way out (LTI frames only).
    "lti.middleware.LtiFrameMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.PreferredLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "coursesite.security.ContentSecurityPolicyMiddleware",
    # A request no page of the site sends gets 400, whichever view it reached (coursesite.errors).
    "coursesite.security.BadPayloadMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in with the school's account; inert unless the OIDC_* settings below are set.
    "accounts.oidc.SchoolOidcBackend",
]
# Login throttling: five wrong passwords for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a reverse proxy, the header that carries the client's address (e.g. X-Forwarded-For; its rightmost
# entry is used). Empty by default: without a proxy, anyone could send it and choose their address.
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="")
AXES_CLIENT_IP_CALLABLE = "accounts.client.client_ip"
AXES_USERNAME_CALLABLE = "accounts.client.login_username"
# Password-reset e-mails: at most this many an hour per address and per client address; the page answers the same.
PASSWORD_RESET_LIMIT_PER_EMAIL = 3
PASSWORD_RESET_LIMIT_PER_IP = 20
# Invitations to accounts the site creates: the link works this many days, once.
INVITATION_EXPIRY_DAYS = env.int("INVITATION_EXPIRY_DAYS", default=7)
# Item analysis: a question answered by fewer students shows its figures as « échantillon trop petit » and is
# not flagged (nor repeated in the weekly digest): two attempts make any correlation.
ITEM_ANALYSIS_MIN_ATTEMPTS = env.int("ITEM_ANALYSIS_MIN_ATTEMPTS", default=10)

# Sign-in with the school's account (OpenID Connect, mozilla-django-oidc): off unless the client and
# the provider's endpoints are set. Code flow with PKCE; the ID token is RS256-signed (JWKS).
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_CREATE_USER = False  # a school identity opens an invited account, never a new one
OIDC_TIMEOUT = env.int("OIDC_TIMEOUT", default=10)
# The button reads « Se connecter avec <OIDC_PROVIDER_NAME> ».
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="")
# E-mail domains whose verified addresses may be matched to invited accounts on a first sign-in.
OIDC_ALLOWED_DOMAINS = env.list("OIDC_ALLOWED_DOMAINS", default=[])
# Who to ask when the school sign-in opens no account (shown on the refusal page), e.g. an address.
OIDC_SUPPORT_CONTACT = env("OIDC_SUPPORT_CONTACT", default="")
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/oidc/refused/"

ROOT_URLCONF = "coursesite.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "reminders.context_processors.account_links",
                "accounts.context_processors.school_sign_in",
            ],
        },
    },
]

WSGI_APPLICATION = "coursesite.wsgi.application"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections: a new PostgreSQL connection per request was a tenth of a web worker's time in the
# exam hour (docs/decisions/0022-the-exam-hour.md). Health checks drop a connection the server closed (a
# restart, an idle timeout) before a request uses it, instead of failing that request.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves concurrent requests too (a double click, two tabs): WAL lets reads go on
    # during a write, and IMMEDIATE transactions take the write lock up front, so a second writer waits
    # (up to `timeout` seconds) instead of failing with "database is locked" when it upgrades its lock.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "transaction_mode": "IMMEDIATE", "timeout": 20}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Argon2id first (OWASP's and RFC 9106's choice; parameters in accounts/hashers.py); the others still check old
# hashes, and Django rewrites such a hash with the first hasher at the user's next login.
PASSWORD_HASHERS = [
    "accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "courses:my_courses"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: French (Canada) first, English available.
LANGUAGE_CODE = "fr-ca"
LANGUAGES = [
    ("fr-ca", _("Français")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Montreal"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: EMAIL_URL (smtp://user:pass@host:587) wins; otherwise the console backend.
if "EMAIL_URL" in env:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = env("EMAIL_HOST", default="localhost")
    EMAIL_PORT = env.int("EMAIL_PORT", default=25)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
    EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds one SMTP operation (connect, each command) may take. Unset, a stalled mail server would
# hold a sending task until Celery kills it; with it, the message fails and is retried later.
EMAIL_TIMEOUT = env.float("EMAIL_TIMEOUT", default=20.0)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Cours de marketing numérique <cours@localhost>")

# LTI: the origins an LMS's services may live on besides its registration's own URLs (Canvas serves grades
# and rosters on the school's domain, e.g. https://school.instructure.com), and whether the tool may call
# loopback or private addresses (off: only for a test platform or an LMS on the local network).
LTI_ALLOWED_ORIGINS = env.list("LTI_ALLOWED_ORIGINS", default=[])
LTI_ALLOW_PRIVATE_ADDRESSES = env.bool("LTI_ALLOW_PRIVATE_ADDRESSES", default=False)

# Celery: Redis in production; the broker is only needed by the worker, never to render a page.
REDIS_URL = env("REDIS_URL", default="redis://127.0.0.1:6379/1")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# Django's cache, shared by every web node and worker when REDIS_URL is set (`make serve`, `make serve-cluster`):
# what one process caches (an LMS's public keys, the gradebook's "refresh queued" marks) every process sees.
# Lockouts (django-axes), password-reset limits and sessions are database rows, shared in any case. Without
# REDIS_URL (`make run`, one process) the process's own memory is enough. Short timeouts: a Redis that
# stopped answering costs a request seconds, like the broker (see BROKER_TIMEOUT below).
if "REDIS_URL" in env:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "coursesite",
            "OPTIONS": {
                "socket_connect_timeout": env.float("BROKER_TIMEOUT", default=2.0),
                "socket_timeout": env.float("BROKER_TIMEOUT", default=2.0),
            },
        }
    }
# Tasks report through the database and e-mail, not through results: none are kept.
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# The soft limit ends an outbox run cleanly (what was sent stays marked, see coursesite/outbox.py);
# the hard limit kills a task that ignored it.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=5 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=4 * 60)
# An outbox run (e-mails, LTI scores) sends at most this many messages, then queues the next run:
# 500 messages at a slow server's 0.3 s each is 150 s, well inside the soft limit (see coursesite/outbox.py).
OUTBOX_MESSAGES_PER_RUN = env.int("OUTBOX_MESSAGES_PER_RUN", default=500)
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A broker that is down or accepts connections without answering must cost a web request seconds,
# not minutes: short connect and socket timeouts, one retry, then the caller gives up and the work
# waits in its outbox (notifications, reminders) for the next periodic send.
BROKER_TIMEOUT = env.float("BROKER_TIMEOUT", default=2.0)
CELERY_BROKER_CONNECTION_TIMEOUT = BROKER_TIMEOUT
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": BROKER_TIMEOUT,
    "socket_timeout": BROKER_TIMEOUT,
    "max_retries": 1,  # establishing the connection; the worker passes its own, longer retry count
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.2}
# Embedded mode (`make run`, no broker configured): tasks run inline in the web process, so a reply
# e-mail appears on the console at once and nothing waits on a broker that is not there.
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default="REDIS_URL" not in env and "CELERY_BROKER_URL" not in env
)

# Absolute links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Course content imported by `make run` and `import_course`.
COURSE_SEEDS_DIR = BASE_DIR / "seeds"

# Request size limits: a quiz page or a post is far below these; anything bigger is refused with 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# Production serves over HTTPS behind a proxy. HTTPS=0 is only for `make serve` on loopback.
if not DEBUG and env.bool("HTTPS", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}
