"""WSGI entry point: ``headway.conf.wsgi:application`` (forwarding headers believed from trusted proxies only)."""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from headway.conf.proxy import TrustedProxyMiddleware

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.conf.settings")
application = TrustedProxyMiddleware(get_wsgi_application(), getattr(settings, "HEADWAY_TRUSTED_PROXIES", ()))
