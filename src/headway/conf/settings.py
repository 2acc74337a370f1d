"""Django settings for local use and tests; :mod:`headway.conf.production` hardens them."""

from __future__ import annotations

import dj_database_url

from headway.conf.config import load_config, local_secret_key

CONFIG = load_config()
HEADWAY_HOME = CONFIG.home
HEADWAY_EVENTS_URL = CONFIG.events_url

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
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
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
    """Django's DATABASES entry for a URL; SQLite runs in WAL mode with immediate transactions."""
    db = dj_database_url.parse(url, conn_max_age=60)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        db["CONN_MAX_AGE"] = 0
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
