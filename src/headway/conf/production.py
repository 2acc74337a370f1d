"""Production settings: refuse to start without a secret key; HTTPS-only cookies and HSTS.

Use with ``DJANGO_SETTINGS_MODULE=headway.conf.production``; `manage.py check --deploy` is clean.
"""

from __future__ import annotations

import os

from headway.conf.settings import *  # noqa: F403
from headway.conf.settings import CONFIG
from headway.core.errors import ConfigurationError

if not CONFIG.secret_key_from_env:
    raise ConfigurationError(
        "HEADWAY_SECRET_KEY is not set: production refuses to start without one. Generate it with "
        "`python -c 'import secrets; print(secrets.token_urlsafe(50))'` and keep it in your secret store."
    )
SECRET_KEY = CONFIG.secret_key_from_env
DEBUG = False
SECURE_SSL_REDIRECT = os.environ.get("HEADWAY_SSL_REDIRECT", "true").lower() != "false"
# Behind a proxy, headway.conf.proxy turns a trusted proxy's X-Forwarded-Proto into the request's scheme and drops
# the header from anyone else; the header is believed here too only when a trusted proxy is configured.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if CONFIG.trusted_proxies else None
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
