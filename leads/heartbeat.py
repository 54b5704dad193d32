"""The worker's heartbeat: a thread in each worker's main process writes "alive" to PostgreSQL.

`WorkerHeartbeat` (a Celery bootstep, added to the worker in cms/celery.py) starts the thread once
the worker's pool is up and before it connects to the broker, so a worker whose broker is down
still reports itself; a stopped (SIGSTOP) or dead process stops writing. One row per worker
hostname, `seen_at` updated every LEADS_WORKER_HEARTBEAT_INTERVAL seconds; leads/monitoring.py
reads them. This module is imported by the Celery app before Django is set up: no model import at
module level.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from celery import bootsteps
from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

# Rows of workers not seen for this long (renamed or retired hosts) are removed at start.
FORGET_AFTER = timedelta(days=7)


def beat(hostname: str) -> None:
    """Record that the worker `hostname` is alive now."""
    from leads.models import WorkerHeartbeat

    now = timezone.now()
    if not WorkerHeartbeat.objects.filter(hostname=hostname).update(seen_at=now):
        WorkerHeartbeat.objects.update_or_create(
            hostname=hostname, defaults={"seen_at": now, "started_at": now}
        )


def forget_retired(now=None) -> int:
    from leads.models import WorkerHeartbeat

    cutoff = (now or timezone.now()) - FORGET_AFTER
    return WorkerHeartbeat.objects.filter(seen_at__lt=cutoff).delete()[0]


class HeartbeatThread(threading.Thread):
    """Writes the heartbeat now, then every `interval` seconds, until stopped."""

    def __init__(self, hostname: str, interval: float) -> None:
        super().__init__(name="leads-heartbeat", daemon=True)
        self.hostname = hostname
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        self._safely(forget_retired)
        while not self.stopped.is_set():
            self._safely(beat, self.hostname)
            self.stopped.wait(self.interval)
        connections.close_all()

    def _safely(self, action, *args) -> None:
        close_old_connections()
        try:
            action(*args)
        except Exception as exc:
            # The database is down or busy: /health/ says so; try again at the next beat.
            logger.warning("Worker heartbeat not written (%s).", exc.__class__.__name__)
        finally:
            close_old_connections()

    def stop(self) -> None:
        self.stopped.set()


class WorkerHeartbeat(bootsteps.StartStopStep):
    """Worker bootstep: the heartbeat thread runs from pool start to worker shutdown."""

    label = "Leads heartbeat"
    requires = {"celery.worker.components:Pool"}

    def create(self, worker) -> HeartbeatThread:
        return HeartbeatThread(worker.hostname, settings.LEADS_WORKER_HEARTBEAT_INTERVAL)

    def start(self, worker) -> None:
        if self.obj is not None and self.obj.ident is None:
            self.obj.start()

    def stop(self, worker) -> None:
        if self.obj is not None:
            self.obj.stop()

    def terminate(self, worker) -> None:
        self.stop(worker)
