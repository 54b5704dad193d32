"""`/health/`: named probes run in parallel under one deadline, and a registry apps add theirs to.

The serving layer registers the generic probes (database, cache, broker); apps register their own
from `AppConfig.ready()` with `register_check(name, probe, critical=True)`, so this module imports
no app. A probe returns `None` (fine), or a `Finding` with its state and details; an exception means
`down`, and a probe still running at the deadline is `timeout`. Any check not `ok` is named in
`down`; the answer is 503 only when a critical one is, and 200 `degraded` when only non-critical
ones are (the site serves without its cache: cms/serving/resilient_cache.py).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from celery import current_app
from django.core.cache import cache
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

PROBE_DEADLINE = 2.0
OK = "ok"


@dataclass(frozen=True)
class Finding:
    """What a probe found: `state` is "ok" or a word for what is wrong; details go in the JSON."""

    state: str = OK
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    name: str
    probe: Callable[[], Finding | None]
    critical: bool = True


_checks: dict[str, Check] = {}


def register_check(name: str, probe: Callable[[], Finding | None], critical: bool = True) -> None:
    """Add (or replace) the check `name`; a failing critical check makes /health/ answer 503."""
    _checks[name] = Check(name, probe, critical)


def registered_checks() -> list[Check]:
    return list(_checks.values())


def _run(probe: Callable[[], Finding | None]) -> Finding:
    try:
        return probe() or Finding()
    finally:
        # Each probe runs in a thread of its own: its database connections end with it.
        connections.close_all()


def run_checks(deadline: float = PROBE_DEADLINE) -> dict[str, Finding]:
    """Every registered probe, each in its own thread, all within `deadline` seconds."""
    checks = registered_checks()
    pool = ThreadPoolExecutor(max_workers=max(len(checks), 1), thread_name_prefix="health")
    futures = {check.name: pool.submit(_run, check.probe) for check in checks}
    wait(futures.values(), timeout=deadline)
    pool.shutdown(wait=False, cancel_futures=True)
    findings = {}
    for name, future in futures.items():
        if not future.done():
            findings[name] = Finding("timeout")
        elif future.exception() is not None:
            findings[name] = Finding("down")
        else:
            findings[name] = future.result()
    return findings


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """The state of every registered check: 200 when all are ok (or only non-critical ones are
    not: `degraded`), 503 naming what is down when a critical one is not."""
    critical = {check.name for check in registered_checks() if check.critical}
    findings = run_checks()
    down = [name for name, finding in findings.items() if finding.state != OK]
    unavailable = bool(critical.intersection(down))
    body = {
        "status": "unavailable" if unavailable else "degraded" if down else "ok",
        "checks": {name: finding.state for name, finding in findings.items()},
        "down": down,
        "details": {
            name: dict(finding.details) for name, finding in findings.items() if finding.details
        },
    }
    return JsonResponse(body, status=503 if unavailable else 200)


# The generic probes -----------------------------------------------------------------------------


def probe_database() -> None:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")


def probe_cache() -> None:
    key = f"health:{time.monotonic_ns()}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def probe_broker() -> None:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=1)
        client = getattr(conn.default_channel, "client", None)
        if client is not None:
            client.ping()


register_check("database", probe_database)
# Not critical: a cache error or timeout is a miss and the site serves without it.
register_check("cache", probe_cache, critical=False)
# Critical: with the broker down requests are stored, but nobody is emailed until it is back.
register_check("broker", probe_broker)
