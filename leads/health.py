"""The leads checks of /health/: the worker's heartbeat and the outbox lag (registered in ready()).

`worker` is `silent` when no worker wrote a heartbeat for LEADS_WORKER_SILENT_AFTER seconds;
`outbox` is `lagging` when its oldest practice notification not yet sent is older than
LEADS_OUTBOX_MAX_LAG seconds, and then the alert watchdog runs in the background (at most one
alert per LEADS_ALERT_EVERY). Both are critical: either means the practice is not being emailed.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings

from cms.serving.health import Finding, register_check
from leads import monitoring, watchdog


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def probe_worker() -> Finding:
    status = monitoring.worker_status()
    seconds = status.seconds_since
    return Finding(
        "silent" if status.silent else "ok",
        {
            "last_seen": _iso(status.last_seen),
            "seconds_since": round(seconds, 1) if seconds is not None else None,
            "silent_after_seconds": settings.LEADS_WORKER_SILENT_AFTER,
        },
    )


def probe_outbox() -> Finding:
    status = monitoring.outbox_status()
    if status.lagging:
        watchdog.check_in_background()
    return Finding(
        "lagging" if status.lagging else "ok",
        # /health/ is public: the lag only, no counts or times of anyone's request.
        {
            "lag_seconds": round(status.lag_seconds, 1),
            "max_lag_seconds": settings.LEADS_OUTBOX_MAX_LAG,
        },
    )


def register() -> None:
    register_check("worker", probe_worker)
    register_check("outbox", probe_outbox)
