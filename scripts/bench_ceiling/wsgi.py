"""WSGI entry point of the bare Django ceiling (gunicorn bench_ceiling.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_ceiling.settings")

application = get_wsgi_application()
