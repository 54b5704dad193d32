"""Tests: PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, else embedded defaults."""

import os

from .base import *

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILAPI_BASE_URL = SITE_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
if not env("EMAIL_URL"):
    # Test processes collect mail in memory; a worker started by a test gets an SMTP EMAIL_URL.
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LEADS_NOTIFY_TO = LEADS_NOTIFY_TO or ["practice@example.com"]
MEDIA_ROOT = VAR_DIR / "test-media"
if not DATABASE_URL:
    DATABASES["default"]["NAME"] = str(VAR_DIR / "test.sqlite3")
LOGGING["root"]["level"] = env("LOG_LEVEL", "WARNING")

# Each test run has its own queue, so concurrent runs sharing one Redis never take each other's
# tasks; workers started by the tests are given the same name through CELERY_TEST_QUEUE.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TEST_QUEUE") or f"test-{os.getpid()}"
