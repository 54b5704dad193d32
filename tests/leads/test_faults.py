"""Fault injection against real processes: PostgreSQL, a private redis-server, Celery workers
started by the test, gunicorn and an aiosmtpd server. Each scenario asserts on the messages the
SMTP server received and reports its counts in the "fault scenarios" summary (make test-faults).
"""

from __future__ import annotations

import time
from collections import Counter
from itertools import pairwise

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from leads.models import Lead, Notification
from leads.outbox import queue_notifications
from tests.leads.notify_support import delivered, make_lead, submit_leads, worker_env
from tests.services import wait_for
from tests.staff import sign_in

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]

State = Notification.State


def test_b_worker_killed_mid_flight_every_notification_is_delivered(
    transactional_db, redis_server, smtp_sink, start_worker, publish_to, fault_report
):
    total = 20
    smtp_sink.delay = 0.5  # each send takes a while, so one is always in flight
    publish_to(redis_server.url)
    rows = submit_leads(total)
    env = worker_env(smtp_sink, redis_server)

    first = start_worker(beat=True, **env)
    wait_for(lambda: smtp_sink.count() >= 4, timeout=60, what="the first emails")
    time.sleep(0.25)  # into the next send
    first.kill()
    killed_at = time.monotonic()
    in_flight = Notification.objects.filter(state=State.SENDING).count()
    before_kill = smtp_sink.count()

    start_worker(beat=True, **env)
    try:
        wait_for(lambda: len(delivered(smtp_sink)) >= total, timeout=60, what="every email")
    finally:
        recovered = time.monotonic() - killed_at
        time.sleep(2)
        per_lead = delivered(smtp_sink)
        fault_report(
            notifications=total,
            emails_before_kill=before_kill,
            in_flight_at_kill=in_flight,
            emails=sum(per_lead.values()),
            distinct_leads=len(per_lead),
            duplicates=sum(per_lead.values()) - len(per_lead),
            all_delivered_after_kill_s=round(recovered, 1),
        )

    assert set(per_lead) == {row.lead_id for row in rows}
    assert sum(per_lead.values()) - len(per_lead) <= in_flight
    assert Notification.objects.exclude(state=State.SENT).count() == 0


def test_c_smtp_down_for_a_while_backs_off_and_loses_nothing(
    transactional_db, redis_server, smtp_sink, start_worker, publish_to, fault_report
):
    total, downtime = 10, 14.0
    smtp_sink.stop()
    publish_to(redis_server.url)
    rows = submit_leads(total)
    watched = rows[0].pk
    start_worker(beat=True, **worker_env(smtp_sink, redis_server))

    attempt_times: list[float] = []
    waits: dict[int, float] = {}  # attempt number -> the back-off it scheduled, in seconds
    started = time.monotonic()
    while time.monotonic() - started < downtime:
        row = Notification.objects.get(pk=watched)
        if row.attempts > len(attempt_times):
            attempt_times += [time.monotonic()] * (row.attempts - len(attempt_times))
        # A claim counts the attempt at once (SENDING) but schedules the next one only when the
        # attempt has failed: read the back-off then, not from the previous attempt's schedule.
        if row.state == State.FAILED and row.attempts:
            waits.setdefault(row.attempts, (row.next_attempt_at - timezone.now()).total_seconds())
        time.sleep(0.1)
    during = list(Notification.objects.values_list("state", "attempts", "last_error"))
    gaps = [round(b - a, 1) for a, b in pairwise(attempt_times)]

    smtp_sink.start()
    back = time.monotonic()
    try:
        wait_for(lambda: len(delivered(smtp_sink)) >= total, timeout=60, what="every email")
    finally:
        recovered = time.monotonic() - back
        time.sleep(1)
        per_lead = delivered(smtp_sink)
        fault_report(
            notifications=total,
            smtp_down_s=downtime,
            attempts_per_row_while_down=dict(Counter(attempts for _, attempts, _ in during)),
            gaps_between_attempts_s=gaps,
            backoff_after_attempt_s={n: round(w, 1) for n, w in sorted(waits.items())},
            emails=sum(per_lead.values()),
            distinct_leads=len(per_lead),
            delivered_after_return_s=round(recovered, 1),
        )

    assert {state for state, _, _ in during} <= {State.FAILED, State.PENDING, State.SENDING}
    assert {error for _, _, error in during} == {"ConnectionRefusedError"}
    # Backing off: far fewer attempts than relay runs (1 s apart), with growing waits. The waits
    # are read as scheduled (next_attempt_at): the gaps seen also carry the relay's 1 s tick.
    assert 2 <= len(attempt_times) <= 6
    assert 3 in waits, waits
    assert waits[3] >= 2 * waits[1] - 0.3, waits
    assert set(per_lead) == {row.lead_id for row in rows}
    assert max(per_lead.values()) == 1
    assert Notification.objects.exclude(state=State.SENT).count() == 0


def test_d_permanent_rejection_is_dead_after_one_attempt_and_shown_in_the_admin(
    transactional_db,
    redis_server,
    smtp_sink,
    start_worker,
    publish_to,
    fault_report,
    django_user_model,
):
    smtp_sink.reject_code = 550
    publish_to(redis_server.url)
    (row,) = submit_leads(1)
    start_worker(beat=True, **worker_env(smtp_sink, redis_server))

    wait_for(
        lambda: Notification.objects.get(pk=row.pk).state == State.DEAD,
        timeout=30,
        what="the notification to be dead",
    )
    time.sleep(3)  # three relay runs: none may try again
    row.refresh_from_db()
    manager = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    client = Client()
    sign_in(client, manager)
    listing = client.get(reverse("leads_lead:index"), {"notification": "dead"})
    fault_report(
        state=row.state, attempts=row.attempts, last_error=row.last_error, emails=smtp_sink.count()
    )

    assert (row.state, row.attempts, row.last_error) == (State.DEAD, 1, "SMTPDataError")
    assert smtp_sink.count() == 0
    assert listing.status_code == 200
    assert row.lead.reference in listing.content.decode()
    assert "Notification failed" in listing.content.decode()


def test_e_rollback_after_the_lead_is_saved_leaves_no_row_and_sends_nothing(
    transactional_db, redis_server, smtp_sink, start_worker, publish_to, fault_report
):
    publish_to(redis_server.url)
    start_worker(beat=True, **worker_env(smtp_sink, redis_server))

    with pytest.raises(RuntimeError), transaction.atomic():
        rolled_back = make_lead(email="rolled-back@example.org")
        queue_notifications(rolled_back)
        raise RuntimeError("intake failed after saving the lead")
    (control,) = submit_leads(1)  # proves the pipeline delivers while the rollback sent nothing

    wait_for(lambda: smtp_sink.count() >= 1, timeout=30, what="the control email")
    time.sleep(3)  # three relay runs
    per_lead = delivered(smtp_sink)
    fault_report(
        rolled_back_rows=Notification.objects.filter(lead_id=rolled_back.pk).count(),
        emails=sum(per_lead.values()),
    )

    assert not Lead.objects.filter(pk=rolled_back.pk).exists()
    assert list(Notification.objects.values_list("lead_id", flat=True)) == [control.lead_id]
    assert per_lead == Counter({control.lead_id: 1})
