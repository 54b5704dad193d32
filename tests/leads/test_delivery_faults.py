"""Knowing when notifications stop, against real processes: a Celery worker SIGSTOPped, an SMTP
server down, the broker down, a standalone beat process and concurrent `leads_watchdog` runs.
Each scenario reports its timings in the "fault scenarios" summary (make test-faults).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from leads.models import Lead, Notification, WorkerHeartbeat
from leads.watchdog import ALERT_SUBJECT
from tests.leads.notify_support import FAST, submit_leads, worker_env
from tests.services import BASE_DIR, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]

VISITOR = {
    "name": "Philippa Quillfeather",
    "email": "philippa.quillfeather@example.org",
    "phone": "+14085556284",
    "message": "Tangerine observatory 4410, weekday mornings only.",
}


def health(client: Client) -> tuple[int, dict]:
    response = client.get("/health/")
    return response.status_code, response.json()


def test_health_names_the_worker_within_60_s_of_a_sigstop_and_recovers_on_sigcont(
    redis_server, smtp_sink, start_worker, publish_to, fault_report
):
    """Production timings (a heartbeat every 10 s, silent after 30 s)."""
    publish_to(redis_server.url)
    worker = start_worker(**worker_env(smtp_sink, redis_server))
    client = Client()
    wait_for(lambda: health(client)[0] == 200, timeout=30, what="/health/ 200 with the worker up")

    os.kill(worker.proc.pid, signal.SIGSTOP)
    stopped = time.monotonic()
    try:
        _, body = wait_for(
            lambda: (answer := health(client))[0] == 503 and answer,
            timeout=60,
            interval=1,
            what="/health/ 503 after the SIGSTOP",
        )
        named_after = time.monotonic() - stopped
    finally:
        os.kill(worker.proc.pid, signal.SIGCONT)
    resumed = time.monotonic()
    wait_for(lambda: health(client)[0] == 200, timeout=30, interval=0.5, what="/health/ 200")
    back_after = time.monotonic() - resumed
    fault_report(
        down=body["down"],
        named_after_sigstop_s=round(named_after, 1),
        ok_after_sigcont_s=round(back_after, 1),
    )

    assert body["down"] == ["worker"]
    assert body["checks"]["worker"] == "silent"
    assert body["details"]["worker"]["seconds_since"] >= 30
    assert named_after < 60


def test_health_names_the_outbox_when_smtp_is_down_past_the_setting(
    settings, redis_server, smtp_sink, start_worker, publish_to, fault_report
):
    settings.LEADS_OUTBOX_MAX_LAG = 4
    smtp_sink.stop()
    publish_to(redis_server.url)
    start_worker(beat=True, **worker_env(smtp_sink, redis_server))
    client = Client()
    wait_for(lambda: health(client)[0] == 200, timeout=30, what="/health/ 200 with the worker up")

    (row,) = submit_leads(1)
    started = time.monotonic()
    _, body = wait_for(
        lambda: (answer := health(client))[0] == 503 and answer,
        timeout=30,
        interval=0.5,
        what="/health/ 503 naming the outbox",
    )
    named_after = time.monotonic() - started
    wait_for(lambda: mail.outbox, timeout=10, what="the alert /health/ set off")
    attempts = Notification.objects.get(pk=row.pk).attempts

    smtp_sink.start()
    back = time.monotonic()
    wait_for(lambda: health(client)[0] == 200, timeout=60, interval=0.5, what="/health/ 200 again")
    fault_report(
        named_after_s=round(named_after, 1),
        lag_s=body["details"]["outbox"]["lag_seconds"],
        attempts_while_down=attempts,
        ok_after_smtp_back_s=round(time.monotonic() - back, 1),
    )

    assert body["down"] == ["outbox"]
    assert body["details"]["outbox"]["lag_seconds"] >= 4
    assert attempts >= 1
    assert [message.subject for message in mail.outbox] == [ALERT_SUBJECT]
    assert Notification.objects.get(pk=row.pk).state == Notification.State.SENT


def test_a_worker_started_while_the_broker_is_down_still_reports(
    redis_server, smtp_sink, start_worker
):
    redis_server.stop()
    start_worker(wait=False, **worker_env(smtp_sink, redis_server))
    wait_for(WorkerHeartbeat.objects.exists, timeout=60, interval=0.5, what="a heartbeat")
    assert Client().get("/health/").json()["checks"]["worker"] == "ok"


def test_beat_alerts_the_practice_once_over_smtp_with_the_broker_down_and_no_lead_data(
    client, redis_server, smtp_sink, start_beat, publish_to, fault_report
):
    redis_server.stop()
    publish_to(redis_server.url)
    response = client.post(
        "/api/v2/leads/",
        data=json.dumps({**VISITOR, "consent": True}),
        content_type="application/json",
        REMOTE_ADDR="203.0.113.40",
    )
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert lead.notifications.get().state == Notification.State.PENDING

    start_beat(
        **FAST,
        REDIS_URL=redis_server.url,
        EMAIL_URL=f"{smtp_sink.url}?timeout=5",
        LEADS_OUTBOX_MAX_LAG="2",
        LEADS_WATCHDOG_INTERVAL="1",
        LEADS_ALERT_EVERY="3600",
    )
    started = time.monotonic()
    wait_for(lambda: smtp_sink.count() >= 1, timeout=60, what="the alert email")
    arrived_after = time.monotonic() - started
    time.sleep(6)  # six more watchdog runs: none may send again

    (message,) = smtp_sink.messages
    raw = message.as_string()
    body = message.get_payload(decode=True).decode()
    fault_report(alert_after_beat_start_s=round(arrived_after, 1), emails=smtp_sink.count())

    assert smtp_sink.count() == 1
    assert message["Subject"] == ALERT_SUBJECT
    assert smtp_sink.envelopes[0][1] == ["practice@example.com"]
    assert "1 consultation request whose notification email has not gone out" in body
    assert "http://testserver/admin/leads/lead/" in body
    for value in [*VISITOR.values(), "4085556284", "Quillfeather", "Tangerine", lead.reference]:
        assert value not in raw
    assert lead.notifications.get().state == Notification.State.PENDING  # the broker is down


def test_concurrent_watchdog_commands_send_one_alert_per_window(
    smtp_sink, service_env, fault_report
):
    submit_leads(1)
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))
    env = {**service_env, "EMAIL_URL": f"{smtp_sink.url}?timeout=5"}
    command = [sys.executable, "manage.py", "leads_watchdog", "-v", "2"]

    def run_together(count: int) -> list[str]:
        runs = [
            subprocess.Popen(command, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, text=True)
            for _ in range(count)
        ]
        return sorted(run.communicate(timeout=120)[0].strip() for run in runs)

    first_round = run_together(4)
    second_round = run_together(2)
    fault_report(first_round=first_round, second_round=second_round, emails=smtp_sink.count())

    assert smtp_sink.count() == 1
    assert first_round.count("alert sent") == 1
    assert set(first_round) <= {
        "alert sent",
        "alert already sent recently",
        "another process is sending the alert",
    }
    assert second_round == ["alert already sent recently"] * 2
