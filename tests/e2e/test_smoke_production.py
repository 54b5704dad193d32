"""Production-like smoke test: the documented commands (`make serve`, `make worker`, `make beat`)
with production settings, against PostgreSQL, a private Redis and an SMTP sink, each a process.

A consultation request sent through the HTML form and one through the JSON API each produce one
email; `/health/` is 200 (the worker's heartbeat included); with Redis stopped `/health/` says so,
requests are still accepted, and they are delivered once Redis is back.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from leads.models import Lead, Notification
from leads.notifications import PRACTICE_SUBJECT
from tests.leads.notify_support import delivered
from tests.services import Browser, ManagedProcess, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.smtp,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def production(production_env):
    """gunicorn, a worker and beat, started with the documented make targets."""
    env, port = production_env, int(production_env["PORT"])
    processes = [
        ManagedProcess(["make", "--no-print-directory", target], env, f"smoke-{target}")
        for target in ("serve", "worker", "beat")
    ]
    for process in processes:
        process.start()
    browser = Browser(port)

    def up() -> bool:
        for process in processes:
            process.running()
        try:
            return browser.health()[0] == 200
        except (OSError, ValueError):
            return False

    try:
        wait_for(up, timeout=180, interval=0.5, what="gunicorn to answer /health/ with 200")
        yield browser
    finally:
        for process in processes:
            process.stop()


def test_production_processes_deliver_form_and_api_requests_through_a_redis_outage(
    production, redis_server, smtp_sink, fault_report
):
    status, health = production.health()
    assert status == 200, health
    assert health["checks"] == {
        "database": "ok",
        "cache": "ok",
        "broker": "ok",
        "worker": "ok",
        "outbox": "ok",
    }

    answers = [production.submit_form(1), production.submit_json(1)]
    assert [status for status, _ in answers] == [302, 201]
    wait_for(lambda: smtp_sink.count() >= 2, timeout=30, what="two notification emails")

    redis_server.stop()
    down_status, down_health = production.health()
    answers += [production.submit_form(2), production.submit_json(2)]
    stored_during_outage = Lead.objects.count()
    redis_server.start()
    back = time.monotonic()
    try:
        wait_for(lambda: len(delivered(smtp_sink)) >= 4, timeout=60, what="four emails")
    finally:
        recovered = time.monotonic() - back
        time.sleep(2)
        per_lead = delivered(smtp_sink)
        fault_report(
            answers=[status for status, _ in answers],
            slowest_answer_s=round(max(seconds for _, seconds in answers), 2),
            health_with_redis_down=f"{down_status} {down_health.get('down')}",
            emails=sum(per_lead.values()),
            distinct_leads=len(per_lead),
            delivered_after_redis_back_s=round(recovered, 1),
        )

    assert down_status == 503
    assert {"broker", "cache"} <= set(down_health["down"])
    assert [status for status, _ in answers] == [302, 201, 302, 201]
    assert stored_during_outage == 4
    assert per_lead == Counter(dict.fromkeys(Lead.objects.values_list("pk", flat=True), 1))
    assert Notification.objects.exclude(state=Notification.State.SENT).count() == 0
    for message in smtp_sink.messages:
        assert message["Subject"] == PRACTICE_SUBJECT
        assert message["To"] == "therapist@practice.example"
        assert "https://practice.example/admin/leads/" in message.get_payload(decode=True).decode()
