"""Whether the practice is being told of new requests: the workers' heartbeats and the outbox lag.

Read from PostgreSQL only, so the answer holds when the broker or the cache is what failed. Used
by /health/ (leads/health.py), the admin's dashboard banner and the alert watchdog.

- The worker is *silent* when no worker wrote a heartbeat (leads/heartbeat.py) for
  LEADS_WORKER_SILENT_AFTER seconds, or none ever did.
- The outbox *lags* when its oldest practice notification not yet sent (pending, being sent, or
  failed and retrying) was written more than LEADS_OUTBOX_MAX_LAG seconds ago. Acknowledgements
  to visitors are left out (a visitor's mailbox refusing mail says nothing about the practice's),
  and so are dead rows (a final state, flagged in the Leads list with a re-send action).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone

from leads.models import Notification, WorkerHeartbeat

WAITING_STATES = (
    Notification.State.PENDING,
    Notification.State.SENDING,
    Notification.State.FAILED,
)


@dataclass(frozen=True)
class WorkerStatus:
    """The most recent heartbeat of any worker, and whether that is too long ago."""

    last_seen: datetime | None
    silent: bool
    checked_at: datetime

    @property
    def seconds_since(self) -> float | None:
        if self.last_seen is None:
            return None
        return max((self.checked_at - self.last_seen).total_seconds(), 0.0)


@dataclass(frozen=True)
class OutboxStatus:
    """How many practice notifications wait to be sent, and since when the oldest does."""

    waiting: int
    oldest: datetime | None
    lagging: bool
    checked_at: datetime

    @property
    def lag_seconds(self) -> float:
        if self.oldest is None:
            return 0.0
        return max((self.checked_at - self.oldest).total_seconds(), 0.0)


@dataclass(frozen=True)
class DeliveryStatus:
    worker: WorkerStatus
    outbox: OutboxStatus

    @property
    def stalled(self) -> bool:
        """New requests are stored but the practice is (or soon will be) not emailed."""
        return self.worker.silent or self.outbox.lagging


def worker_status(now: datetime | None = None) -> WorkerStatus:
    now = now or timezone.now()
    last_seen = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    silent_after = timedelta(seconds=settings.LEADS_WORKER_SILENT_AFTER)
    return WorkerStatus(
        last_seen=last_seen,
        silent=last_seen is None or now - last_seen > silent_after,
        checked_at=now,
    )


def outbox_status(now: datetime | None = None) -> OutboxStatus:
    now = now or timezone.now()
    waiting = Notification.objects.filter(
        kind=Notification.Kind.PRACTICE, state__in=WAITING_STATES
    ).aggregate(count=Count("pk"), oldest=Min("created_at"))
    oldest = waiting["oldest"]
    max_lag = timedelta(seconds=settings.LEADS_OUTBOX_MAX_LAG)
    return OutboxStatus(
        waiting=waiting["count"],
        oldest=oldest,
        lagging=oldest is not None and now - oldest > max_lag,
        checked_at=now,
    )


def delivery_status() -> DeliveryStatus:
    now = timezone.now()
    return DeliveryStatus(worker=worker_status(now), outbox=outbox_status(now))
