"""Django settings for local use and tests; :mod:`headway.conf.production` hardens them."""

from __future__ import annotations

import dj_database_url

from headway.conf.config import load_config, local_secret_key, private_files

private_files()  # files under HEADWAY_HOME (databases, uploads) are created 0600, directories 0700
CONFIG = load_config()
HEADWAY_HOME = CONFIG.home
HEADWAY_EVENTS_URL = CONFIG.events_url
HEADWAY_TRUSTED_PROXIES = CONFIG.trusted_proxies

DEBUG = CONFIG.debug
SECRET_KEY = local_secret_key(CONFIG)
ALLOWED_HOSTS = CONFIG.allowed_hosts

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # its own static Swagger UI for /api/v1/docs (no CDN)
    "headway.core",
    "headway.web",
    "headway.team",
    "headway.analytics",
    "headway.planning",
    "headway.discovery",
    "headway.strategy",
    "headway.impact",
    "headway.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "headway.core.budget.RequestBudgetMiddleware",
    "headway.web.middleware.SecurityHeadersMiddleware",
    "headway.conf.middleware.ApiErrorBodyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "headway.web.middleware.HeadwayErrorMiddleware",
]

ROOT_URLCONF = "headway.conf.urls"
WSGI_APPLICATION = "headway.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "headway.web.context.shell",
            ],
        },
    }
]


def database_settings(url: str) -> dj_database_url.DBConfig:
    """Django's DATABASES entry for a URL; SQLite runs in WAL mode with immediate transactions.

    Connections persist across requests (one per server thread, closed after an error or when older than
    ``CONN_MAX_AGE``): opening a SQLite file costs its pragmas and the schema's parse, and closing the last
    connection checkpoints the write-ahead log, which was most of a warm dashboard's database time."""
    db = dj_database_url.parse(url, conn_max_age=60)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 600
        db["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        db["OPTIONS"] = {"connect_timeout": 5}
    return db


DATABASES = {"default": database_settings(CONFIG.database_url)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("username", "display_name", "first_name", "last_name")}},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["headway.core.auth.ThrottledModelBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
LOGIN_THROTTLE_FAILURES = 5
LOGIN_THROTTLE_WINDOW_SECONDS = 15 * 60

# A request body may hold the documented batch of 10,000 events (about 1.6 KiB each); a larger one answers 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = 16 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "headway.web.views.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = CONFIG.home / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# What pages compute from the data (the dashboard's shared parts), per process and shared by its threads; an
# entry is keyed by the data version read from the database, so several processes each keep a correct copy.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "headway",
                "OPTIONS": {"MAX_ENTRIES": 1000}},
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"headway": {"level": "INFO"}, "django.request": {"level": "ERROR"}},
}

# Background and scheduled work: Django's Tasks framework (the django-tasks backport). Every piece of work is a
# headway.core Job run by the one task headway.core.tasks.run_job; `headway serve` runs a worker in-process,
# `headway worker` runs more. HEADWAY_TASKS_BACKEND moves a deployment to RQ (django_tasks_rq.RQBackend).
TASKS = {"default": {"BACKEND": CONFIG.tasks_backend, "QUEUES": ["default"]}}
if CONFIG.uses_rq:  # the `rq` extra: tasks queue in Redis, `headway worker` runs them with RQ's worker
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": CONFIG.redis_url, "DEFAULT_TIMEOUT": 3600}}

# Outgoing e-mail (reports, digests, alerts): HEADWAY_EMAIL_URL names the SMTP server; unset, mail is printed to
# the console. HEADWAY_BASE_URL is the address people open links in messages with.
import os as _os  # noqa: E402

from headway.conf.email import parse_email_url as _parse_email_url  # noqa: E402

HEADWAY_EMAIL_URL = _os.environ.get("HEADWAY_EMAIL_URL", "")
HEADWAY_EMAIL_FROM = _os.environ.get("HEADWAY_EMAIL_FROM", "headway@localhost")
HEADWAY_BASE_URL = _os.environ.get("HEADWAY_BASE_URL", "http://localhost:8000").rstrip("/")
HEADWAY_REQUEST_BUDGET = float(_os.environ.get("HEADWAY_REQUEST_BUDGET", "60"))  # seconds a request may run
HEADWAY_WEBHOOK_TIMEOUT = float(_os.environ.get("HEADWAY_WEBHOOK_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = HEADWAY_EMAIL_FROM
if HEADWAY_EMAIL_URL:
    _server = _parse_email_url(HEADWAY_EMAIL_URL)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT, EMAIL_TIMEOUT = _server.host, _server.port, _server.timeout
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = _server.username, _server.password
    EMAIL_USE_TLS, EMAIL_USE_SSL = _server.use_tls, _server.use_ssl
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# The demo's feedback themes: the sentence-embedding model when it is installed (`make demo` installs it), else
# the light fallback; the test suite builds demos with the fallback (headway.conf.testing) for speed.
DEMO_THEMES_METHOD = "auto"
