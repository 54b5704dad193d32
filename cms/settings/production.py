"""Production: every secret comes from the environment, and a missing one stops the start."""

from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

from .base import *

REQUIRED = [
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "SITE_URL",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "LEADS_NOTIFY_TO",
    # No default: behind a proxy 0 puts every visitor in one bucket, without one 1 lets a forged
    # X-Forwarded-For choose the address. 0 is a valid, explicit answer.
    "TRUSTED_PROXY_COUNT",
]
_missing = [name for name in REQUIRED if not env(name)]
if _missing:
    raise ImproperlyConfigured(
        "Production settings need these environment variables (see .env.example): "
        + ", ".join(_missing)
    )
if len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 random characters.")

DEBUG = False


def _next_database(url: str) -> str:
    """The same Redis, the next database: the cache never shares a keyspace with the broker."""
    parts = urlsplit(url)
    current = parts.path.strip("/") or "0"
    if not current.isdigit():
        return url
    return urlunsplit(parts._replace(path=f"/{int(current) + 1}"))


CACHES["default"] = cache_settings(CACHE_URL or _next_database(REDIS_URL))
STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = CSRF_TRUSTED_ORIGINS or [SITE_URL]

LOGGING["formatters"]["plain"]["format"] = "%(levelname)s %(name)s %(message)s"
