"""Fault injection over HTTP: gunicorn answers every consultation request while the broker is
stopped or frozen, and every lead's email arrives once the broker is back (make test-faults).
"""

from __future__ import annotations

import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from leads.models import Lead, Notification
from tests.leads.notify_support import delivered, post_lead, worker_env
from tests.services import wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.worker,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]

State = Notification.State


@pytest.mark.parametrize(("outage", "leads"), [("stopped", 100), ("frozen", 20)])
def test_a_broker_outage_never_fails_intake_and_every_lead_is_delivered_once(
    transactional_db,
    redis_server,
    smtp_sink,
    start_worker,
    start_web,
    fault_report,
    outage,
    leads,
):
    start_worker(beat=True, **worker_env(smtp_sink, redis_server))
    web = start_web(REDIS_URL=redis_server.url, LEADS_RATE_LIMIT="100000")
    with ThreadPoolExecutor(max_workers=10) as pool:  # warm every server thread (a 400 each)
        assert set(pool.map(lambda _: post_lead(web.url, None)[0], range(20))) == {400}
    if outage == "stopped":
        redis_server.stop()
    else:
        redis_server.freeze()

    with ThreadPoolExecutor(max_workers=5) as pool:
        answers = list(pool.map(lambda n: post_lead(web.url, n), range(leads)))
    statuses = Counter(status for status, _ in answers)
    slowest = max(seconds for _, seconds in answers)
    stored = Lead.objects.count()

    outage_ended = time.monotonic()
    if outage == "stopped":
        redis_server.start()
    else:
        redis_server.thaw()
    try:
        wait_for(lambda: len(delivered(smtp_sink)) >= leads, timeout=60, what="every email")
    finally:
        seconds = time.monotonic() - outage_ended
        time.sleep(2)  # late duplicates, if any, arrive now
        per_lead = delivered(smtp_sink)
        fault_report(
            outage=outage,
            submitted=leads,
            answers=dict(statuses),
            slowest_answer_s=round(slowest, 2),
            median_answer_s=round(sorted(s for _, s in answers)[leads // 2], 2),
            stored=stored,
            emails=sum(per_lead.values()),
            distinct_leads=len(per_lead),
            duplicates=sum(per_lead.values()) - len(per_lead),
            delivered_after_s=round(seconds, 1),
        )

    assert all(200 <= status < 300 for status, _ in answers), statuses
    assert slowest < 2
    assert set(per_lead) == set(Lead.objects.values_list("pk", flat=True))
    assert len(per_lead) == leads
    assert max(per_lead.values()) == 1
    assert Notification.objects.exclude(state=State.SENT).count() == 0
