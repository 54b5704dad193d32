import time
from concurrent.futures import ThreadPoolExecutor, wait

from celery import current_app
from django.core.cache import cache
from django.db import connections
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

PROBE_DEADLINE = 2.0


def _probe_database() -> None:
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    finally:
        connection.close()


def _probe_cache() -> None:
    key = f"health:{time.monotonic_ns()}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache did not return what was stored")
    cache.delete(key)


def _probe_broker() -> None:
    with current_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0.2, timeout=1)
        client = getattr(conn.default_channel, "client", None)
        if client is not None:
            client.ping()


PROBES = {"database": _probe_database, "cache": _probe_cache, "broker": _probe_broker}


@never_cache
def health(request):
    """Liveness of the database, cache and broker: 200 when all answer, 503 naming what is down.

    Each probe runs in its own thread under one deadline, so a frozen dependency cannot hang it.
    """
    pool = ThreadPoolExecutor(max_workers=len(PROBES), thread_name_prefix="health")
    futures = {name: pool.submit(probe) for name, probe in PROBES.items()}
    wait(futures.values(), timeout=PROBE_DEADLINE)
    pool.shutdown(wait=False, cancel_futures=True)
    checks = {}
    for name, future in futures.items():
        if not future.done():
            checks[name] = "timeout"
        elif future.exception() is not None:
            checks[name] = "down"
        else:
            checks[name] = "ok"
    down = [name for name, state in checks.items() if state != "ok"]
    body = {"status": "ok" if not down else "unavailable", "checks": checks, "down": down}
    return JsonResponse(body, status=503 if down else 200)
