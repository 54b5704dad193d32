"""Background work for insights: the periodic flush of counters and the daily retention purge."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(ignore_result=True)
def flush_counters() -> int:
    """Beat, every INSIGHTS_FLUSH_INTERVAL seconds: Redis counters into the daily rows."""
    return services.flush_counters()


@shared_task(ignore_result=True)
def purge_old_counts() -> int:
    """Beat, daily: daily rows past INSIGHTS_RETENTION_MONTHS are deleted."""
    return services.purge_old_counts()
