"""The project package: settings, URL and API wiring, the Celery app, and the two framework
layers the apps build on (`cms.headless`, `cms.serving`)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
