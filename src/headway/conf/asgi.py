"""ASGI entry point: ``headway.conf.asgi:application``."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.conf.settings")
application = get_asgi_application()
