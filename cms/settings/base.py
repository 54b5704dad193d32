"""Settings shared by every environment. The environment is read here, once.

Every variable is documented in `.env.example`. `dev.py` and `test.py` give embedded defaults
(SQLite, a folder broker, a mail folder); `production.py` refuses to start without its secrets.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from celery.schedules import crontab
from corsheaders.defaults import default_headers as cors_default_headers
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env(name: str, default: str = "") -> str:
    """One environment variable, stripped; empty counts as unset."""
    return os.environ.get(name, "").strip() or default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return int(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from exc


def env_float(name: str, default: float) -> float:
    value = env(name)
    try:
        return float(value) if value else default
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {value!r}.") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def email_settings(url: str) -> dict:
    """Turn EMAIL_URL into Django email settings.

    smtp://user:pass@host:587?tls=1, smtps://user:pass@host:465, console://,
    file:///path/to/folder, locmem://, dummy://
    """
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "file": "django.core.mail.backends.filebased.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if scheme in backends:
        result = {"EMAIL_BACKEND": backends[scheme]}
        if scheme == "file":
            result["EMAIL_FILE_PATH"] = unquote(parts.path) or str(VAR_DIR / "mail")
        return result
    if scheme not in {"smtp", "smtps"}:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with smtp://, smtps://, console://, file://, locmem:// or "
            f"dummy://, not {scheme or 'nothing'}://."
        )
    truthy = {"1", "true", "yes", "on"}
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_SSL": scheme == "smtps",
        "EMAIL_USE_TLS": scheme == "smtp" and query.get("tls", "").lower() in truthy,
        "EMAIL_TIMEOUT": int(query.get("timeout", "10")),
    }


def cache_settings(url: str) -> dict:
    """Turn CACHE_URL into a CACHES entry: redis://..., locmem://, dummy://."""
    scheme = urlsplit(url).scheme.lower()
    if scheme in {"redis", "rediss", "unix"}:
        # An error or timeout is a miss, for every caller (Wagtail's included), within the
        # timeout; a failed cache is then skipped for a few seconds (cms/serving/resilient_cache).
        timeout = env_float("CACHE_TIMEOUT_SECONDS", 0.1)
        return {
            "BACKEND": "cms.serving.resilient_cache.ResilientRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "cms",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    if scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cms"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, locmem:// or dummy://, not {scheme or 'nothing'}://."
    )


# Core ------------------------------------------------------------------------------------------

SECRET_KEY = env("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "home",
    "blog",
    "leads",
    "insights",
    "integrations",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.contrib.search_promotions",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "rest_framework",
    "corsheaders",
    "django_recaptcha",
    "accounts",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
    # Last: its ready() connects signal handlers per sender once every app's snippets are known.
    "cms.serving",
]

MIDDLEWARE = [
    # Page views, counted above every cache so a content-cache hit counts too (insights/).
    "insights.middleware.PageViewCounterMiddleware",
    # Then a hit from the content cache (API and public HTML) is answered here, with the
    # headers the rest of the stack gave the stored response, and skips everything below
    # (cms/serving/cache.py). Anything that must see every request, hits included, goes above.
    "cms.serving.cache.ContentCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Brotli/gzip for text the content cache has not already compressed (cms/serving/compression).
    "cms.serving.compression.CompressionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    # Security headers: the content cache stores them with each entry, so hits carry them too.
    "cms.serving.headers.PermissionsPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cms.serving.csp.ContentSecurityPolicyMiddleware",
    "leads.middleware.RecaptchaContentSecurityPolicyMiddleware",
    # NUL and lone surrogates in the path, query or a form field: a 400 that says why.
    "cms.serving.input.RejectUnusableInputMiddleware",
    # Notes requests whose X-Forwarded-For contradicts TRUSTED_PROXY_COUNT (check --deploy).
    "cms.serving.proxy.ProxyHeadersMiddleware",
    # Reference data (site, settings, snippets, image renditions) kept per content version.
    "cms.serving.refdata.RequestScopeMiddleware",
    # Old links with a query string (/?p=ID) answer their Redirect before the views; the set of
    # such addresses is reference data (a saved Redirect stamps a new content version, so no
    # cached page hides it either).
    "cms.serving.redirects.QueryStringRedirectMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sign-in (accounts/): the second factor, then session limits, then the reset throttle.
    "django_otp.middleware.OTPMiddleware",
    "accounts.middleware.SessionLimitsMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.PasswordResetThrottleMiddleware",
    # Wagtail's redirects for 404s, never to a page visitors cannot see (cms/serving/redirects).
    "cms.serving.redirects.VisibleRedirectMiddleware",
    # Last, as django-axes requires: answers a locked-out sign-in with its page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# Data ------------------------------------------------------------------------------------------

DATABASE_URL = env("DATABASE_URL")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL or f"sqlite:///{VAR_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # A database that hangs must not hang a request: fail connecting after 3 s.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = 3
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The dev server and an import write at the same time: each transaction takes the write lock
    # when it starts and waits up to 20 s for it, instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20}
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL")
CACHE_URL = env("CACHE_URL")
CACHES = {
    "default": cache_settings(CACHE_URL or "locmem://"),
    # Wagtail's rendition cache, in each process: a rendition's key names its image's file hash
    # and focal point, so an edited image never reads a stale entry; none of it costs a round trip.
    "renditions": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "renditions",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 10_000},
    },
}

# Mail ------------------------------------------------------------------------------------------

EMAIL_URL = env("EMAIL_URL", "console://")
globals().update(email_settings(EMAIL_URL))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Practice website <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LEADS_NOTIFY_TO = env_list("LEADS_NOTIFY_TO")

# Background work (Celery; see cms/celery.py) -----------------------------------------------------

CELERY_BROKER_URL = REDIS_URL or "memory://"
# kombu's Redis transport, with channels that keep their connection parameters: without it a
# worker whose broker drops while it holds an unacknowledged message exits (cms/serving/patches.py).
# Only for redis://: naming a transport class bypasses kombu's rediss:// defaults.
CELERY_BROKER_TRANSPORT = (
    "cms.serving.patches:RedisTransport" if REDIS_URL.startswith("redis://") else None
)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Seconds before Redis hands an unacknowledged message to another worker. Set here so web,
    # worker and beat share it, and far longer than the task time limit (cms/celery.py); tasks
    # use no countdown or eta (retry timing lives in the outbox row), so none outlives it.
    "visibility_timeout": 3600,
    # Restore unacked messages of dead workers promptly once the timeout passed (kombu sweeps
    # only about every 100 s otherwise).
    "unacked_restore_throttle": 1,
    # Without these a frozen Redis blocks a caller forever.
    "socket_timeout": 5,
    "socket_connect_timeout": 2,
    "socket_keepalive": True,
    "health_check_interval": 10,
    # Publishing from a web request retries at most once, quickly.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_ALWAYS_EAGER = False

# Lead notifications (leads/tasks.py), in seconds. A failed send is retried after
# BACKOFF_BASE * 2^(attempt-1) (capped at BACKOFF_MAX, with jitter) until MAX_ATTEMPTS, then dead.
LEADS_NOTIFY_BACKOFF_BASE = env_int("LEADS_NOTIFY_BACKOFF_BASE", 60)
LEADS_NOTIFY_BACKOFF_MAX = env_int("LEADS_NOTIFY_BACKOFF_MAX", 3600)
LEADS_NOTIFY_MAX_ATTEMPTS = env_int("LEADS_NOTIFY_MAX_ATTEMPTS", 10)
# The relay (beat) runs this often, publishing due rows and reclaiming rows stuck in sending.
LEADS_NOTIFY_RELAY_INTERVAL = env_int("LEADS_NOTIFY_RELAY_INTERVAL", 5)
LEADS_NOTIFY_RELAY_BATCH = env_int("LEADS_NOTIFY_RELAY_BATCH", 200)
# A row the relay published is not published again for this long (the worker may be busy).
LEADS_NOTIFY_REPUBLISH_AFTER = env_int("LEADS_NOTIFY_REPUBLISH_AFTER", 60)
# A row in `sending` for this long belongs to a dead worker and is retried. Longer than the
# task's hard time limit (task_time_limit in cms/celery.py), so a slow send is never taken over.
LEADS_NOTIFY_STUCK_AFTER = env_int("LEADS_NOTIFY_STUCK_AFTER", 300)

# Knowing when notifications stop (leads/monitoring.py: /health/, the admin banner, the alert
# email), in seconds. Each worker writes a heartbeat to PostgreSQL every HEARTBEAT_INTERVAL; with
# none for SILENT_AFTER the worker counts as silent. The outbox lags when its oldest practice
# notification still unsent is older than MAX_LAG; the practice is then emailed directly over SMTP
# (no broker, no worker) at most once per ALERT_EVERY, by beat's watchdog every WATCHDOG_INTERVAL.
LEADS_WORKER_HEARTBEAT_INTERVAL = env_float("LEADS_WORKER_HEARTBEAT_INTERVAL", 10)
LEADS_WORKER_SILENT_AFTER = env_float("LEADS_WORKER_SILENT_AFTER", 30)
LEADS_OUTBOX_MAX_LAG = env_float("LEADS_OUTBOX_MAX_LAG", 300)
LEADS_ALERT_EVERY = env_float("LEADS_ALERT_EVERY", 3600)
LEADS_WATCHDOG_INTERVAL = env_float("LEADS_WATCHDOG_INTERVAL", 60)
if LEADS_WORKER_SILENT_AFTER < 2 * LEADS_WORKER_HEARTBEAT_INTERVAL:
    raise ImproperlyConfigured(
        "LEADS_WORKER_SILENT_AFTER must be at least twice LEADS_WORKER_HEARTBEAT_INTERVAL, or a "
        "worker that is merely slow to write counts as silent."
    )

# Publish webhooks (integrations): retries with backoff like lead notifications.
WEBHOOKS_BACKOFF_BASE = env_int("WEBHOOKS_BACKOFF_BASE", 30)
WEBHOOKS_BACKOFF_MAX = env_int("WEBHOOKS_BACKOFF_MAX", 3600)
WEBHOOKS_MAX_ATTEMPTS = env_int("WEBHOOKS_MAX_ATTEMPTS", 10)
WEBHOOKS_RELAY_INTERVAL = env_int("WEBHOOKS_RELAY_INTERVAL", 5)
WEBHOOKS_REPUBLISH_AFTER = env_int("WEBHOOKS_REPUBLISH_AFTER", 60)
WEBHOOKS_STUCK_AFTER = env_int("WEBHOOKS_STUCK_AFTER", 300)
# Off in production: a webhook URL may not point at a private, loopback or link-local address.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False)

# First-party analytics (insights/): page views and CTA clicks counted, never who.
# "off" stops the middleware counting (make bench compares both). Counters move to PostgreSQL
# every FLUSH_INTERVAL seconds; daily rows older than RETENTION_MONTHS are purged. A client address
# may send BEACON_LIMIT beacons per BEACON_WINDOW seconds (counted under a salted hash, in Redis
# only for the window).
INSIGHTS_COUNTING = env_bool("INSIGHTS_COUNTING", True)
INSIGHTS_FLUSH_INTERVAL = env_int("INSIGHTS_FLUSH_INTERVAL", 60)
# Each web process keeps its counts in memory and moves them to Redis this often (a thread).
INSIGHTS_PUSH_SECONDS = env_float("INSIGHTS_PUSH_SECONDS", 1.0)
INSIGHTS_RETENTION_MONTHS = env_int("INSIGHTS_RETENTION_MONTHS", 25)
INSIGHTS_BEACON_LIMIT = env_int("INSIGHTS_BEACON_LIMIT", 30)
INSIGHTS_BEACON_WINDOW = env_int("INSIGHTS_BEACON_WINDOW", 60)

# Scheduled publishing and unpublishing (Wagtail's `publish_scheduled`): every minute on the
# minute, the precision editors schedule at. Another value (seconds) is for tests only.
PUBLISH_SCHEDULED_INTERVAL = env_int("PUBLISH_SCHEDULED_INTERVAL", 60)

CELERY_BEAT_SCHEDULE = {
    "publish-scheduled-pages": {
        "task": "home.tasks.publish_scheduled_pages",
        "schedule": (
            crontab(minute="*")
            if PUBLISH_SCHEDULED_INTERVAL == 60
            else float(PUBLISH_SCHEDULED_INTERVAL)
        ),
        # A run the worker could not start before the next one is due is dropped.
        "options": {"expires": PUBLISH_SCHEDULED_INTERVAL},
    },
    "relay-lead-notifications": {
        "task": "leads.tasks.relay_notifications",
        "schedule": float(LEADS_NOTIFY_RELAY_INTERVAL),
        # A relay run the worker could not start in time is dropped: the next one does its work.
        "options": {"expires": max(LEADS_NOTIFY_RELAY_INTERVAL * 2, 10)},
    },
    "relay-webhooks": {
        "task": "integrations.tasks.relay_webhooks",
        "schedule": float(WEBHOOKS_RELAY_INTERVAL),
        "options": {"expires": max(WEBHOOKS_RELAY_INTERVAL * 2, 10)},
    },
    "purge-expired-leads": {
        "task": "leads.tasks.purge_expired_leads",
        "schedule": crontab(hour=3, minute=30),
    },
    "flush-insights-counters": {
        "task": "insights.tasks.flush_counters",
        "schedule": float(INSIGHTS_FLUSH_INTERVAL),
        "options": {"expires": max(INSIGHTS_FLUSH_INTERVAL, 10)},
    },
    "purge-old-insights": {
        "task": "insights.tasks.purge_old_counts",
        "schedule": crontab(hour=3, minute=45),
    },
}

# Security --------------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Features no page of the site uses; nothing it shows (or frames) may ask for them.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    )
}
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

# Public pages: nothing from another host, no inline script or style without a nonce.
# reCAPTCHA's hosts are added by leads.middleware only on pages that render its widget.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
# The Wagtail admin relies on inline scripts and styles; it gets its own, looser policy.
ADMIN_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.UNSAFE_INLINE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
ADMIN_PATH_PREFIXES = ("/admin/",)

CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_URLS_REGEX = r"^/api/.*$"
# A browser frontend reads the ETag (to send If-None-Match), Retry-After (429, 503) and Link,
# and may send If-None-Match itself (a preflighted header).
CORS_EXPOSE_HEADERS = ["ETag", "Retry-After", "Link"]
CORS_ALLOW_HEADERS = (*cors_default_headers, "if-none-match")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff sign-in (accounts/) ---------------------------------------------------------------------

# django-axes first: it refuses a locked-out account or address before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: this many failed sign-ins lock the account, and separately the address, for
# LOGIN_LOCKOUT_MINUTES; a successful sign-in clears the account's count.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env_float("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "cms.serving.proxy.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_ACCESS_FAILURE_LOG_PER_USER_LIMIT = 1000
AXES_SENSITIVE_PARAMETERS = ["password", "new_password1", "new_password2", "token", "otp_token"]
AXES_VERBOSE = False
# Password-reset emails: at most this many requests per address, and per email, in an hour.
PASSWORD_RESET_LIMIT = env_int("PASSWORD_RESET_LIMIT", 5)
PASSWORD_RESET_WINDOW = 3600

# Two-factor sign-in (django-otp: TOTP with recovery codes). Required for superusers and anyone
# holding one of TWO_FACTOR_PERMISSIONS (who can see leads); TWO_FACTOR_FOR_EVERYONE extends it to
# every staff account. Enrolment happens at the first sign-in.
TWO_FACTOR_PERMISSIONS = ["leads.view_lead", "leads.change_lead", "leads.export_lead"]
TWO_FACTOR_FOR_EVERYONE = env_bool("TWO_FACTOR_FOR_EVERYONE", False)
TWO_FACTOR_ISSUER = env("TWO_FACTOR_ISSUER", "") or env("WAGTAIL_SITE_NAME", "Practice website")
OTP_TOTP_ISSUER = TWO_FACTOR_ISSUER
TWO_FACTOR_RECOVERY_CODES = 10

# Sessions: signed out after SESSION_IDLE_MINUTES without a request for anyone who can see leads
# (SESSION_IDLE_MINUTES_OTHERS for other staff; 0 is no idle limit), and after
# SESSION_MAX_HOURS whatever happens. A password change signs the account out everywhere else
# (Django's session hash).
SESSION_IDLE_SECONDS = env_float("SESSION_IDLE_MINUTES", 30) * 60
SESSION_IDLE_SECONDS_OTHERS = env_float("SESSION_IDLE_MINUTES_OTHERS", 0) * 60
SESSION_MAX_SECONDS = env_float("SESSION_MAX_HOURS", 12) * 3600
SESSION_COOKIE_AGE = int(SESSION_MAX_SECONDS)

# Requests: bounded sizes so an oversized request is a 4xx, never a memory problem.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# Client IP: how many reverse proxies in front of the app append to X-Forwarded-For
# (cms/serving/proxy.py). Production refuses to start without it; 0 means none.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# reCAPTCHA: on only when both keys are set.
RECAPTCHA_PUBLIC_KEY = env("RECAPTCHA_PUBLIC_KEY")
RECAPTCHA_PRIVATE_KEY = env("RECAPTCHA_PRIVATE_KEY")
RECAPTCHA_ENABLED = bool(RECAPTCHA_PUBLIC_KEY and RECAPTCHA_PRIVATE_KEY)
RECAPTCHA_VERSION = env("RECAPTCHA_VERSION", "v3")
RECAPTCHA_REQUIRED_SCORE = float(env("RECAPTCHA_REQUIRED_SCORE", "0.5"))
RECAPTCHA_TIMEOUT = 3
# django-recaptcha's own name for the verification timeout (its default is 10 s).
RECAPTCHA_VERIFY_REQUEST_TIMEOUT = RECAPTCHA_TIMEOUT
SILENCED_SYSTEM_CHECKS = ["django_recaptcha.recaptcha_test_key_error"]

# Consultation requests (leads/) ------------------------------------------------------------------

# Requests accepted per client IP in LEADS_RATE_WINDOW seconds; more get a 429.
LEADS_RATE_LIMIT = env_int("LEADS_RATE_LIMIT", 5)
LEADS_RATE_WINDOW = env_int("LEADS_RATE_WINDOW", 3600)
# A second request with the same email within this many seconds is flagged as a duplicate.
LEADS_DUPLICATE_WINDOW = env_int("LEADS_DUPLICATE_WINDOW", 86400)
# A form sent sooner than this many seconds after it was shown is treated as a bot.
LEADS_MIN_FILL_SECONDS = env_int("LEADS_MIN_FILL_SECONDS", 3)
# The form's token is valid this long after the form was shown, and once (a replay is spam).
LEADS_FORM_TOKEN_MAX_AGE = env_int("LEADS_FORM_TOKEN_MAX_AGE", 2 * 86400)
# A page with the form (contact page, articles with the form block) is served from the content
# cache for at most this long, so the dated token in its form is never near its expiry.
LEADS_FORM_PAGE_CACHE_SECONDS = env_int("LEADS_FORM_PAGE_CACHE_SECONDS", 3600)
if LEADS_FORM_PAGE_CACHE_SECONDS * 2 > LEADS_FORM_TOKEN_MAX_AGE:
    raise ImproperlyConfigured(
        "LEADS_FORM_PAGE_CACHE_SECONDS must be at most half of LEADS_FORM_TOKEN_MAX_AGE, or a "
        "cached page could hand out a form that expires while a person fills it in."
    )
# The acknowledgement email goes to one address at most once in this many seconds.
LEADS_ACK_EVERY = env_int("LEADS_ACK_EVERY", 86400)
# Retention in days: every request; spam and closed requests go sooner.
LEADS_RETENTION_DAYS = env_int("LEADS_RETENTION_DAYS", 180)
LEADS_SPAM_RETENTION_DAYS = env_int("LEADS_SPAM_RETENTION_DAYS", 30)
LEADS_CLOSED_RETENTION_DAYS = env_int("LEADS_CLOSED_RETENTION_DAYS", 90)
# The version of the consent text the form shows; stored with each request.
LEADS_CONSENT_VERSION = env("LEADS_CONSENT_VERSION", "2026-01")
# The phone named on the "we could not save your request" page when the database is down.
LEADS_FALLBACK_PHONE = env("LEADS_FALLBACK_PHONE")
# A form posted without its CSRF cookie (staff sign-in and admin forms; the consultation form
# is checked by its Origin and signed token instead, leads/views.py): allow cookies, and the phone.
CSRF_FAILURE_VIEW = "cms.serving.errors.csrf_failure"
# The site setting model (app_label.Model, with a `phone`) that leads reads the practice phone from.
LEADS_PRACTICE_SETTINGS = "home.PracticeSettings"

# Internationalisation --------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

# Static and media ------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static")))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Media on S3-compatible object storage (django-storages; `pip install "django-storages[s3]"`),
# for more than one web host: the bucket serves the files, the application does not.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET")
if MEDIA_S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": MEDIA_S3_BUCKET,
            "endpoint_url": env("MEDIA_S3_ENDPOINT_URL") or None,
            "region_name": env("MEDIA_S3_REGION") or None,
            "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN") or None,
            "access_key": env("MEDIA_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY") or None,
            "default_acl": None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
# Uploaded images served by the application (one host, files on its disk): on unless the media
# live on object storage.
SERVE_MEDIA = env_bool("SERVE_MEDIA", not MEDIA_S3_BUCKET)

# Wagtail ---------------------------------------------------------------------------------------

WAGTAIL_SITE_NAME = env("WAGTAIL_SITE_NAME", "Practice website")
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILAPI_BASE_URL = SITE_URL
# The API gives final HTML for rich text (links resolved); `?rich_text_format=` is not offered.
WAGTAILAPI_RICH_TEXT_FORMAT = "html"
WAGTAILAPI_LIMIT_MAX = env_int("API_LIMIT_MAX", 50)
# The server-side content cache (cms/serving/cache.py); off only to measure uncached speed
# (make bench).
CONTENT_CACHE = env_bool("CONTENT_CACHE", True)
# Under a WSGI server (cms/wsgi.py), hits are answered before Django's request handling
# (cms/serving/wsgi.py); off, the middleware answers them (as under the test client, always).
CONTENT_CACHE_EARLY_WSGI = env_bool("CONTENT_CACHE_EARLY_WSGI", True)
# Served from the content cache unless listed here (writes, liveness, per-token previews).
API_CACHE_EXCLUDE = ("/api/v2/leads/", "/api/v2/ping/", "/api/v2/preview/")
# Public HTML under these paths is never served from the content cache (forms, files).
HTML_CACHE_EXCLUDE = (
    "/consultation/",
    "/documents/",
    "/search/",
    "/health/",
    "/static/",
    "/media/",
)
# Headless preview (cms/headless/preview.py): the frontend that shows drafts, per site hostname or
# `default`, and how long a preview token lives.
HEADLESS_PREVIEW_URLS = {
    key.strip(): value.strip()
    for key, _, value in (item.partition("=") for item in env_list("HEADLESS_PREVIEW_URLS"))
    if value.strip()
}
if env("HEADLESS_PREVIEW_URL"):
    HEADLESS_PREVIEW_URLS.setdefault("default", env("HEADLESS_PREVIEW_URL"))
HEADLESS_PREVIEW_SECONDS = env_int("HEADLESS_PREVIEW_SECONDS", 900)
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# Alt text (the image's description) asked for on upload, unless the image is decorative.
WAGTAILIMAGES_IMAGE_FORM_BASE = "home.image_forms.ImageForm"
# No third-party avatars in the admin (Gravatar): the default avatar, no request leaves the site.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Imported articles keep their own script in their address (/blog/café-et-thé/).
WAGTAIL_ALLOW_UNICODE_SLUGS = True

# Logging: lead data never goes into a log line (see leads/); request bodies are never logged.

LOG_LEVEL = env("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "django.request": {"level": "ERROR"},
        "django_tasks": {"level": "WARNING"},
    },
}

# Public pages (cms.serving.headers): shared caches may keep a page this many seconds, then
# revalidate with its ETag (a 304 when nothing on the page changed).
PUBLIC_PAGE_MAX_AGE = 300
