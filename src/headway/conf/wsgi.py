"""WSGI entry point: ``headway.conf.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "headway.conf.settings")
application = get_wsgi_application()
