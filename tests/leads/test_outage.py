"""Redis (broker and cache), the worker and SMTP all down: a request is still stored at once."""

import time

import pytest

from leads.models import Lead, Notification

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def everything_down(redis_server, settings, publish_to):
    """A private Redis, stopped: the broker and cache point at it; SMTP at a closed port."""
    redis_server.stop()
    publish_to(redis_server.url)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 1
    return redis_server


@pytest.mark.parametrize("entry", ["html", "api"])
def test_request_is_stored_within_a_second_and_waits_in_the_outbox(
    entry, everything_down, post_form, post_api, caplog
):
    started = time.monotonic()
    response = post_form() if entry == "html" else post_api()
    elapsed = time.monotonic() - started

    assert response.status_code == (302 if entry == "html" else 201)
    assert elapsed < 1.0, f"answered after {elapsed:.2f} s"
    lead = Lead.objects.get()
    assert not lead.is_spam
    notification = Notification.objects.get(lead=lead, kind=Notification.Kind.PRACTICE)
    assert notification.state == Notification.State.PENDING
    assert notification.sent_at is None
    # The publish after commit really was tried against the dead broker, and gave up quietly.
    assert any(record.name == "leads.outbox" for record in caplog.records)


@pytest.fixture
def postgres_down(settings, database_unreachable):
    """PostgreSQL unreachable, with a fallback phone configured."""
    settings.LEADS_FALLBACK_PHONE = "(408) 555-0142"


@pytest.mark.postgres
@pytest.mark.parametrize("entry", ["html", "api"])
def test_postgres_down_answers_503_naming_the_phone(entry, post_form, post_api, postgres_down):
    response = post_form() if entry == "html" else post_api()

    assert response.status_code == 503
    text = response.content.decode() if entry == "html" else response.json()["message"]
    assert "(408) 555-0142" in text
    assert response["Retry-After"]
