"""Knowing when notifications stop, in-process: the worker's heartbeat and the outbox lag as
/health/, the admin's dashboard banner, the alert email and `manage.py leads_watchdog` see them.

The same behaviours against real worker, beat and SMTP processes: test_delivery_faults.py.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from leads import monitoring, watchdog
from leads.heartbeat import HeartbeatThread
from leads.models import DeliveryAlert, Lead, Notification, WorkerHeartbeat
from leads.outbox import queue_notifications
from tests.leads.notify_support import make_lead
from tests.services import free_port, wait_for
from tests.staff import sign_in

State, Kind = Notification.State, Notification.Kind

# What a visitor typed: none of it may reach the alert email.
VISITOR = {
    "name": "Quentin Zephyrine-Okafor",
    "email": "quentin.zephyrine@example.org",
    "phone": "+14085557319",
    "message": "Marmalade lighthouse 7731, please call after six.",
}
BANNER = "New consultation requests are being stored, but the practice is not being emailed"


@pytest.fixture(autouse=True)
def _no_heartbeat_from_other_tests(request):
    """Real workers of earlier tests wrote heartbeats to the same database: each test here
    starts from none (its own rows are rolled back with it)."""
    for name in ("transactional_db", "db"):
        if name in request.fixturenames:
            request.getfixturevalue(name)
            WorkerHeartbeat.objects.all().delete()
            return


def heartbeat(seconds_ago: float, hostname: str = "worker@host") -> WorkerHeartbeat:
    seen = timezone.now() - timedelta(seconds=seconds_ago)
    return WorkerHeartbeat.objects.create(hostname=hostname, seen_at=seen, started_at=seen)


def notification(
    seconds_ago: float, state: str = State.PENDING, kind: str = Kind.PRACTICE, **lead_fields
) -> Notification:
    lead = make_lead(**lead_fields)
    created = timezone.now() - timedelta(seconds=seconds_ago)
    return Notification.objects.create(lead=lead, kind=kind, state=state, created_at=created)


def make_user(username: str, group: str | None = None, **extra):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def alerts(mailoutbox) -> list:
    return [message for message in mailoutbox if message.subject == watchdog.ALERT_SUBJECT]


# What counts as silent and lagging ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds_ago", "silent"), [(None, True), (5, False), (25, False), (35, True), (600, True)]
)
def test_the_worker_is_silent_after_30_seconds_without_a_heartbeat(db, seconds_ago, silent):
    if seconds_ago is not None:
        heartbeat(seconds_ago)
        heartbeat(seconds_ago + 3600, hostname="retired@old-host")
    assert monitoring.worker_status().silent is silent


def test_the_lag_is_the_age_of_the_oldest_practice_notification_not_yet_sent(db):
    notification(400)  # pending: counts
    notification(100, state=State.FAILED)  # retrying: counts
    notification(200, state=State.SENDING)  # being sent: counts
    notification(900, kind=Kind.ACKNOWLEDGEMENT)  # the visitor's mail: not the practice's
    notification(1000, state=State.SENT)
    notification(2000, state=State.DEAD)  # final, flagged in the Leads list

    status = monitoring.outbox_status()

    assert (status.waiting, status.lagging) == (3, True)
    assert 399 <= status.lag_seconds <= 410


def test_a_young_or_empty_outbox_does_not_lag(db, settings):
    assert monitoring.outbox_status().lag_seconds == 0
    notification(200)
    assert monitoring.outbox_status().lagging is False
    settings.LEADS_OUTBOX_MAX_LAG = 100
    assert monitoring.outbox_status().lagging is True


def test_the_heartbeat_thread_writes_one_row_per_worker_until_stopped(transactional_db):
    retired = heartbeat(8 * 86400, hostname="retired@old-host")
    thread = HeartbeatThread("w1@host", interval=0.2)
    thread.start()
    try:
        wait_for(
            lambda: WorkerHeartbeat.objects.filter(
                hostname="w1@host", seen_at__gt=F("started_at")
            ).exists(),
            timeout=10,
            what="a second heartbeat",
        )
    finally:
        thread.stop()
        thread.join(5)
    last = WorkerHeartbeat.objects.get(hostname="w1@host").seen_at
    time.sleep(0.5)

    assert not thread.is_alive()
    assert list(WorkerHeartbeat.objects.values_list("hostname", flat=True)) == ["w1@host"]
    assert WorkerHeartbeat.objects.get().seen_at == last
    assert not WorkerHeartbeat.objects.filter(pk=retired.pk).exists()
    assert monitoring.worker_status().silent is False


# /health/ ---------------------------------------------------------------------------------------


def test_health_is_503_naming_the_worker_when_none_ever_reported(client, transactional_db):
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 503
    assert body["down"] == ["worker"]
    assert body["checks"]["worker"] == "silent"
    assert body["details"]["worker"]["last_seen"] is None


def test_health_is_503_naming_the_outbox_and_the_practice_is_alerted_once(
    client, worker_heartbeat, mailoutbox
):
    notification(600, **VISITOR)

    first = client.get("/health/")
    wait_for(lambda: alerts(mailoutbox), timeout=10, what="the alert email")
    second = client.get("/health/")
    wait_for(
        lambda: not any(t.name == "leads-watchdog-check" for t in threading.enumerate()),
        timeout=10,
        what="the background check to end",
    )

    body = first.json()
    assert first.status_code == 503
    assert body["down"] == ["outbox"]
    assert body["checks"]["outbox"] == "lagging"
    assert 600 <= body["details"]["outbox"]["lag_seconds"] < 660
    assert body["details"]["outbox"] == {
        "lag_seconds": body["details"]["outbox"]["lag_seconds"],
        "max_lag_seconds": 300,
    }
    assert second.status_code == 503
    assert len(alerts(mailoutbox)) == 1


# The dashboard banner ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "sees"),
    [("superuser", True), ("Lead managers", True), ("Editors", False), ("Moderators", False)],
)
def test_the_banner_shows_to_lead_managers_and_superusers_only(client, db, who, sees):
    if who == "superuser":
        user = make_user("root", is_superuser=True, is_staff=True)
    else:
        user = make_user("someone", who)
    sign_in(client, user)

    page = client.get("/admin/").content.decode()

    assert (BANNER in page) is sees


def test_the_banner_says_what_stopped_and_since_when(client, db):
    heartbeat(120)
    notification(600)
    sign_in(client, make_user("manager", "Lead managers"))

    page = client.get("/admin/").content.decode()

    assert BANNER in page
    assert "The background worker that sends these emails has not reported since" in page
    assert "(2\xa0minutes ago)" in page
    assert "1 request waiting for its email since" in page
    assert "(10\xa0minutes)" in page
    assert page.index(BANNER) < page.index("new request")


def test_a_worker_that_never_reported_is_named(client, db):
    sign_in(client, make_user("manager", "Lead managers"))
    page = client.get("/admin/").content.decode()
    assert "The background worker that sends these emails has never reported." in page


def test_no_banner_while_the_worker_reports_and_the_outbox_keeps_up(client, db):
    heartbeat(3)
    notification(30)
    sign_in(client, make_user("manager", "Lead managers"))
    assert BANNER not in client.get("/admin/").content.decode()


# The alert email --------------------------------------------------------------------------------


def test_the_alert_has_counts_ages_and_a_link_and_nothing_a_visitor_typed(db, mailoutbox):
    with transaction.atomic():
        lead = make_lead(**VISITOR)
        queue_notifications(lead)
    Notification.objects.update(created_at=timezone.now() - timedelta(minutes=50))
    notification(400, email="second@example.org")

    assert watchdog.check() == watchdog.Outcome.SENT

    (message,) = alerts(mailoutbox)
    raw = message.message().as_string()
    assert message.to == ["practice@example.com"]
    assert "2 consultation requests whose notification email has not gone out" in message.body
    assert "The oldest has been waiting 50\xa0minutes" in message.body
    assert "http://testserver/admin/leads/lead/" in message.body
    assert "has not reported at all" in message.body
    for value in [*VISITOR.values(), lead.reference, "14085557319", "Marmalade"]:
        assert value not in raw


def test_at_most_one_alert_per_window(db, mailoutbox, settings):
    notification(600)

    outcomes = [watchdog.check(), watchdog.check()]
    DeliveryAlert.objects.update(sent_at=timezone.now() - timedelta(seconds=3601))
    outcomes.append(watchdog.check())

    assert outcomes == [
        watchdog.Outcome.SENT,
        watchdog.Outcome.RATE_LIMITED,
        watchdog.Outcome.SENT,
    ]
    assert len(alerts(mailoutbox)) == 2


def test_no_alert_while_the_outbox_keeps_up(db, mailoutbox):
    notification(60)
    assert watchdog.check() == watchdog.Outcome.OK
    assert alerts(mailoutbox) == []


def test_a_failed_alert_is_not_counted_and_the_next_check_sends_it(db, mailoutbox, settings):
    notification(600)
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", free_port(), 2

    assert watchdog.check() == watchdog.Outcome.FAILED
    assert DeliveryAlert.objects.get().sent_at is None

    settings.EMAIL_BACKEND = locmem
    assert watchdog.check() == watchdog.Outcome.SENT
    assert len(alerts(mailoutbox)) == 1


def test_the_command_sends_at_most_one_alert_per_window(db, mailoutbox, capsys):
    notification(600)

    call_command("leads_watchdog")
    first = capsys.readouterr().out
    call_command("leads_watchdog")
    second = capsys.readouterr().out
    call_command("leads_watchdog", verbosity=2)
    third = capsys.readouterr().out

    assert len(alerts(mailoutbox)) == 1
    assert (first.strip(), second, third.strip()) == (
        "alert sent",
        "",
        "alert already sent recently",
    )


def test_the_command_fails_loudly_when_there_is_nobody_to_alert(db, settings):
    settings.LEADS_NOTIFY_TO = []
    notification(600)
    with pytest.raises(CommandError, match="LEADS_NOTIFY_TO is empty"):
        call_command("leads_watchdog")
    assert Lead.objects.count() == 1
