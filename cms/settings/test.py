"""Tests: PostgreSQL and Redis when DATABASE_URL and REDIS_URL are set, embedded defaults otherwise."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
SITE_URL = "http://testserver"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILAPI_BASE_URL = SITE_URL
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
LEADS_NOTIFY_TO = LEADS_NOTIFY_TO or ["practice@example.com"]
MEDIA_ROOT = VAR_DIR / "test-media"
if not DATABASE_URL:
    DATABASES["default"]["NAME"] = str(VAR_DIR / "test.sqlite3")
LOGGING["root"]["level"] = "WARNING"
