"""`/health/`: every registered check under one deadline; 503 only when a critical one fails.

The probes run in threads of their own, with their own database connections, so these tests use
committed rows (`transactional_db`). `worker_heartbeat` stands for a live worker; the leads checks
themselves are tested in tests/leads/test_delivery_monitoring.py.
"""

from __future__ import annotations

import time

import pytest

from cms.serving import health as health_module
from cms.serving.health import Finding, register_check

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def extra_check(monkeypatch):
    """`extra_check(name, probe, critical)`: a check registered for this test only."""
    monkeypatch.setattr(health_module, "_checks", dict(health_module._checks))
    return register_check


def test_health_is_ok_when_everything_answers(client, worker_heartbeat):
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("status", "checks", "down")} == {
        "status": "ok",
        "checks": {
            "database": "ok",
            "cache": "ok",
            "broker": "ok",
            "worker": "ok",
            "outbox": "ok",
        },
        "down": [],
    }
    assert body["details"]["outbox"]["lag_seconds"] == 0
    assert body["details"]["worker"]["seconds_since"] < 30
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.redis
def test_health_names_the_broker_when_redis_stops_and_recovers(
    client, worker_heartbeat, redis_server, publish_to
):
    publish_to(redis_server.url)
    assert client.get("/health/").status_code == 200

    redis_server.stop()
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 3
    assert response.status_code == 503
    assert response.json()["down"] == ["broker"]
    assert response.json()["status"] == "unavailable"

    redis_server.start()
    assert client.get("/health/").status_code == 200


@pytest.mark.redis
def test_health_answers_within_3_seconds_when_redis_freezes(
    client, worker_heartbeat, redis_server, publish_to
):
    publish_to(redis_server.url)
    redis_server.freeze()
    try:
        started = time.monotonic()
        response = client.get("/health/")
        assert time.monotonic() - started < 3
        assert response.status_code == 503
        assert "broker" in response.json()["down"]
    finally:
        redis_server.thaw()


@pytest.mark.redis
def test_a_cache_outage_is_named_but_the_site_stays_healthy(
    client, settings, worker_heartbeat, redis_server
):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "cms.serving.resilient_cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1},
        },
    }
    assert client.get("/health/").json()["checks"]["cache"] == "ok"

    redis_server.stop()
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["down"], body["checks"]["cache"]) == (
        "degraded",
        ["cache"],
        "down",
    )


@pytest.mark.parametrize(
    ("critical", "status", "code"), [(True, "unavailable", 503), (False, "degraded", 200)]
)
def test_a_registered_check_is_reported_and_decides_by_its_criticality(
    client, worker_heartbeat, extra_check, critical, status, code
):
    extra_check("printer", lambda: Finding("jammed", {"pages": 3}), critical=critical)
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == code
    assert body["status"] == status
    assert body["checks"]["printer"] == "jammed"
    assert body["down"] == ["printer"]
    assert body["details"]["printer"] == {"pages": 3}


def test_a_probe_that_raises_is_down_and_one_that_hangs_is_a_timeout(
    client, worker_heartbeat, extra_check
):
    def hangs():
        time.sleep(5)

    def raises():
        raise ConnectionError("nobody there")

    extra_check("hangs", hangs)
    extra_check("raises", raises)
    started = time.monotonic()
    response = client.get("/health/")
    assert time.monotonic() - started < 4
    assert response.status_code == 503
    body = response.json()
    assert (body["checks"]["hangs"], body["checks"]["raises"]) == ("timeout", "down")
    assert body["down"] == ["hangs", "raises"]
