"""WSGI entry point (gunicorn consortium.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consortium.settings.production")

application = get_wsgi_application()
