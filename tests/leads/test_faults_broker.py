"""Fault injection: the broker goes away while the worker holds an unacknowledged message.

With late acks and a relay task every few seconds, a worker holds a message most of the time under
traffic, while its idle pool process waits on the broker for the next one. When Redis stops then,
the worker must reconnect and carry on in the same process. With kombu 5.7's own Redis transport
it exits: `Unrecoverable error: AttributeError("'NoneType' object has no attribute 'hostname'")`.
"""

from __future__ import annotations

import time
from collections import Counter

import pytest

from leads.models import Notification
from tests.leads.notify_support import delivered, submit_leads, worker_env
from tests.services import wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]

State = Notification.State


def test_f_broker_stopped_while_a_message_is_held_the_same_worker_delivers_everything_once(
    transactional_db, redis_server, smtp_sink, start_worker, publish_to, fault_report
):
    during_outage, downtime = 6, 20.0
    smtp_sink.delay = 2.0  # each send takes 2 s: the worker holds an unacked message meanwhile
    publish_to(redis_server.url)
    # Production's pool of two: one process sends, the other waits on the broker for more.
    worker = start_worker(beat=True, concurrency=2, **worker_env(smtp_sink, redis_server))
    pid = worker.proc.pid

    rows = submit_leads(1)
    wait_for(lambda: smtp_sink.count() >= 1, timeout=60, what="the first email")
    rows += submit_leads(1)  # in flight when Redis stops
    wait_for(
        lambda: Notification.objects.filter(state=State.SENDING).exists(),
        timeout=20,
        interval=0.05,
        what="a send in progress",
    )
    in_flight = Notification.objects.filter(state=State.SENDING).count()
    redis_server.stop()
    stopped = time.monotonic()
    rows += submit_leads(during_outage)  # stored; their publish fails, the relay sends them later
    time.sleep(max(0.0, downtime - (time.monotonic() - stopped)))
    alive_after_outage = worker.proc.poll() is None
    redis_server.start()
    back = time.monotonic()

    total = len(rows)
    try:
        wait_for(
            lambda: len(delivered(smtp_sink)) >= total or worker.proc.poll() is not None,
            timeout=90,
            what="every email",
        )
    finally:
        recovered = time.monotonic() - back
        time.sleep(3)  # late duplicates, if any, arrive now
        per_lead = delivered(smtp_sink)
        log = worker.log_path.read_text(errors="replace")
        fault_report(
            notifications=total,
            in_flight_at_stop=in_flight,
            redis_down_s=round(back - stopped, 1),
            worker_alive_after_outage=alive_after_outage,
            worker_exit_code=worker.proc.poll(),
            unrecoverable_errors=log.count("Unrecoverable error"),
            emails=sum(per_lead.values()),
            distinct_leads=len(per_lead),
            duplicates=sum(per_lead.values()) - len(per_lead),
            states=dict(Counter(Notification.objects.values_list("state", flat=True))),
            all_delivered_after_redis_back_s=round(recovered, 1),
        )

    critical = [line for line in log.splitlines() if " CRITICAL " in line]
    assert worker.proc.pid == pid and worker.proc.poll() is None, critical
    assert "Unrecoverable error" not in log, critical
    assert set(per_lead) == {row.lead_id for row in rows}
    assert max(per_lead.values()) == 1, per_lead
    assert Notification.objects.exclude(state=State.SENT).count() == 0
