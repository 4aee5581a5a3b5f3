"""WSGI entry point (gunicorn polis_assess.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polis_assess.settings")

application = get_wsgi_application()
