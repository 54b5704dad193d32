"""The production-like environment shared by the tests that run the production processes."""

from __future__ import annotations

import os

import pytest

from tests.leads.notify_support import default_site
from tests.services import free_port

SECRET = "smoke-test-secret-key-" + "x" * 40


@pytest.fixture
def production_env(
    transactional_db, test_database_url, redis_server, smtp_sink, tmp_path
) -> dict[str, str]:
    """Production settings against the test database, a private Redis and an SMTP sink, with
    short relay timings; PORT is a free port for gunicorn."""
    default_site()
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "CELERY_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=test_database_url,
        REDIS_URL=redis_server.url,
        SITE_URL="https://practice.example",
        EMAIL_URL=f"{smtp_sink.url}?timeout=5",
        DEFAULT_FROM_EMAIL="Practice website <noreply@practice.example>",
        LEADS_NOTIFY_TO="therapist@practice.example",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(tmp_path / "static"),
        BEAT_SCHEDULE_FILE=str(tmp_path / "beat-schedule"),
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="2",
        PORT=str(free_port()),
        LEADS_NOTIFY_RELAY_INTERVAL="1",
        LEADS_NOTIFY_REPUBLISH_AFTER="5",
        LOG_LEVEL="INFO",
    )
    return env
