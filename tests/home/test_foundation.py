import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from wagtail.models import Page

from home.models import HomePage

BASE_DIR = Path(__file__).resolve().parents[2]
PRODUCTION_SAMPLE = {
    "DJANGO_SETTINGS_MODULE": "cms.settings.production",
    "SECRET_KEY": "sample-" + "x7Qp2" * 12,
    "ALLOWED_HOSTS": "practice.example",
    "DATABASE_URL": "postgres://cms:secret@127.0.0.1:5432/cms",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SITE_URL": "https://practice.example",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example:587?tls=1",
    "DEFAULT_FROM_EMAIL": "Practice <noreply@practice.example>",
    "LEADS_NOTIFY_TO": "therapist@practice.example",
    "TRUSTED_PROXY_COUNT": "0",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    unwanted = {*PRODUCTION_SAMPLE, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    clean = {k: v for k, v in os.environ.items() if k not in unwanted}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def demo(db):
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115


def test_home_page_shows_practice_and_phone_link(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Willow Creek Counselling" in html
    assert 'href="tel:+14085550142"' in html
    assert "988" in html


def test_demo_content_loads_twice_without_duplicates(demo):
    pages_before = Page.objects.count()
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert Page.objects.count() == pages_before
    assert HomePage.objects.count() == 1


def test_ensure_admin_prints_a_login_that_works(client, db, capsys, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("ensure_admin")
    first = capsys.readouterr().out
    username, password = first.split("Admin login: ")[1].strip().split(" / ")
    # The password is accepted by the admin's sign-in form; the second factor is next.
    response = client.post("/admin/login/", {"username": username, "password": password})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/")
    assert client.get("/admin/").url.startswith("/admin/two-factor/setup/")
    call_command("ensure_admin")
    assert f"{username} / {password}" in capsys.readouterr().out


def test_public_pages_send_security_headers(client, demo):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_production_refuses_to_start_without_secret_key():
    env = {**PRODUCTION_SAMPLE, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_deploy_check_passes_with_sample_values():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_SAMPLE)
    assert result.returncode == 0, result.stderr + result.stdout


@pytest.mark.postgres
def test_suite_runs_on_postgresql(db):
    from django.db import connection

    assert connection.vendor == "postgresql"


@pytest.mark.redis
def test_redis_cache_from_cache_url():
    from django.core.cache.backends.redis import RedisCache

    from cms.settings.base import cache_settings

    config = cache_settings(os.environ["REDIS_URL"])
    cache = RedisCache(config["LOCATION"], {k: v for k, v in config.items() if k != "LOCATION"})
    cache.set("foundation-check", "ok", 5)
    assert cache.get("foundation-check") == "ok"


@pytest.mark.worker
@pytest.mark.smtp
def test_worker_sends_mail_through_redis_and_smtp(db, start_worker, smtp_sink, settings):
    from home.tasks import send_pipeline_check_email

    start_worker(EMAIL_URL=smtp_sink.url)
    send_pipeline_check_email.delay()
    deadline = time.monotonic() + 30
    while smtp_sink.count() == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert smtp_sink.count() == 1
    assert smtp_sink.messages[0]["Subject"] == "Website mail check"
