#!/usr/bin/env python
"""Lead intake over HTTP: throughput and p50/p99 latency with an instant and a slow SMTP server.

Starts its own processes (a throw-away PostgreSQL database, a private redis-server, gunicorn with
production settings, a Celery worker and an aiosmtpd sink), then POSTs consultation requests to
`/api/v2/leads/` at a fixed arrival rate, once with the SMTP server answering at once and once
with it taking --smtp-delay seconds per message. Intake must not wait on SMTP: the figures should
match. Needs DATABASE_URL pointing at a PostgreSQL server (the database is created and dropped).

    .venv/bin/python scripts/bench_leads.py [--requests 400] [--rounds 8] [--rate 20]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.services import CeleryWorker, RedisServer, WebServer, free_port, wait_for  # noqa: E402

SECRET = "bench-only-secret-key-" + "b" * 40


def post(port: int, number: int) -> tuple[int, float]:
    body = {
        "name": f"Bench Visitor {number}",
        "email": f"bench{abs(number)}@example.org",
        "phone": "+14085550142",
        "message": "Please call me.",
        "consent": True,
    }
    started = time.perf_counter()
    connection = HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(
            "POST",
            "/api/v2/leads/",
            body=json.dumps(body),
            headers={"Content-Type": "application/json", "Host": "127.0.0.1"},
        )
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.perf_counter() - started


def open_loop(port: int, first_number: int, args) -> tuple[list[tuple[int, float]], float]:
    """Visitors arrive at a fixed rate, whether or not earlier requests have been answered.

    Request n is due at start + n / rate; its latency is counted from that moment, so time spent
    waiting for a free client counts too (no coordinated omission). A closed loop (each client
    sends again as soon as it is answered) would saturate the server and measure its queue; the
    question here is how long one visitor waits, at a realistic arrival rate.
    """
    interval = 1 / args.rate
    started = time.perf_counter()

    def one(n: int) -> tuple[int, float]:
        due = started + n * interval
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        status, _ = post(port, first_number + n)
        return status, time.perf_counter() - due

    with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
        answers = list(pool.map(one, range(args.requests)))
    return answers, time.perf_counter() - started


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def create_database(server_url: str) -> str:
    import psycopg

    name = f"bench_leads_{os.getpid()}"
    admin = urlunsplit(urlsplit(server_url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(urlsplit(server_url)._replace(path=f"/{name}"))


def drop_database(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


SINK = """
import sys, time
from tests.services import SmtpSink
sink = SmtpSink(port=int(sys.argv[1]), delay=float(sys.argv[2]))
sink.start()
while True:
    time.sleep(3600)
"""


CPUS = sorted(os.sched_getaffinity(0))
# With two or more CPUs the background side (worker and SMTP sink) gets the last one and the intake
# side (gunicorn and the timing clients) the others, as separate hosts would: otherwise a worker
# sending at full speed to an instant SMTP server takes CPU from intake, and the comparison
# measures the worker's CPU use instead of SMTP latency.
BACKGROUND_CPUS = CPUS[-1:] if len(CPUS) > 1 else CPUS
INTAKE_CPUS = CPUS[:-1] if len(CPUS) > 1 else CPUS


def pinned(command: list[str], cpus: list[int]) -> list[str]:
    return ["taskset", "-c", ",".join(map(str, cpus)), *command]


class PinnedWorker(CeleryWorker):
    def build_command(self) -> list[str]:
        return pinned(super().build_command(), BACKGROUND_CPUS)


class PinnedWebServer(WebServer):
    def build_command(self) -> list[str]:
        return pinned(super().build_command(), INTAKE_CPUS)


class SinkProcess:
    """The SMTP sink in its own process, so its work never competes with the timing clients."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self, delay: float) -> None:
        self.proc = subprocess.Popen(
            pinned([sys.executable, "-c", SINK, str(self.port), str(delay)], BACKGROUND_CPUS),
            cwd=BASE_DIR,
        )
        wait_for(self._answers, timeout=20, what="the SMTP sink")

    def _answers(self) -> bool:
        import socket

        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                return sock.recv(3) == b"220"
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
            self.proc = None


def reset(redis: RedisServer, database_url: str) -> None:
    """Between phases: drop queued messages and mark every row sent, so no backlog carries over."""
    import psycopg
    import redis as redis_client

    redis_client.Redis.from_url(redis.url).flushall()
    with psycopg.connect(database_url, autocommit=True) as connection:
        connection.execute("UPDATE leads_notification SET state = 'sent'")


def run_phase(
    delay, args, env, sink, redis, web, database_url, first_number
) -> tuple[list[float], float]:
    """One phase: a fresh worker, the SMTP delay set, `--requests` timed POSTs."""
    sink.start(delay)
    worker = PinnedWorker(env, name="bench-leads")
    worker.start()
    # The worker yields the CPU to the web server, as a single-host deployment should set it up.
    os.setpriority(os.PRIO_PGRP, worker.proc.pid, 10)
    try:
        answers, wall = open_loop(web.port, first_number, args)
    finally:
        worker.kill()
        sink.stop()
        reset(redis, database_url)
    bad = [status for status, _ in answers if not 200 <= status < 300]
    if bad:
        raise SystemExit(f"bench_leads: {len(bad)} requests failed: {sorted(set(bad))}")
    return [seconds for _, seconds in answers], wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="per mode and round")
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument(
        "--rate", type=float, default=20.0, help="requests per second (an open loop)"
    )
    parser.add_argument("--concurrency", type=int, default=16, help="most requests in flight")
    parser.add_argument("--smtp-delay", type=float, default=2.0)
    parser.add_argument("--tolerance", type=float, default=0.20)
    args = parser.parse_args()

    server_url = os.environ.get("DATABASE_URL", "")
    if not server_url.startswith(("postgres://", "postgresql://")):
        print("bench_leads: set DATABASE_URL to a PostgreSQL server (a database is created).")
        return 2
    database_url = create_database(server_url)
    redis = RedisServer()
    sink = SinkProcess()
    try:
        redis.start()
        # The broker and cache on the background CPU too, as a separate host would be: its work
        # for the worker then never takes the intake CPU.
        os.sched_setaffinity(redis.proc.pid, BACKGROUND_CPUS)
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CELERY_"))},
            "DJANGO_SETTINGS_MODULE": "cms.settings.production",
            "SECRET_KEY": SECRET,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis.url,
            "SITE_URL": "https://practice.example",
            "EMAIL_URL": f"{sink.url}?timeout=30",
            "DEFAULT_FROM_EMAIL": "Practice website <noreply@practice.example>",
            "LEADS_NOTIFY_TO": "therapist@practice.example",
            "TRUSTED_PROXY_COUNT": "0",
            "SECURE_SSL_REDIRECT": "false",
            "LEADS_RATE_LIMIT": "1000000",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        web = PinnedWebServer(env, name="bench-leads", workers=2, threads=8)
        os.sched_setaffinity(0, INTAKE_CPUS)
        web.start()
        # Warm every gunicorn thread with real submissions (database connection, broker
        # connection, rate limiter, templates): the first requests of a fresh server take
        # several hundred ms, which would land in whichever mode runs first.
        with ThreadPoolExecutor(max_workers=16) as pool:
            list(pool.map(lambda n: post(web.port, -1 - n), range(16 * 8)))
        reset(redis, database_url)
        modes = {"instant SMTP": 0.0, f"SMTP {args.smtp_delay:g} s/message": args.smtp_delay}
        samples = {label: [] for label in modes}
        round_p99 = {label: [] for label in modes}
        walls = dict.fromkeys(modes, 0.0)
        number = 0
        try:
            for round_number in range(args.rounds):
                # Alternate the order, so drift in the machine's load hits both modes alike.
                order = list(modes) if round_number % 2 == 0 else list(reversed(modes))
                for label in order:
                    latencies, wall = run_phase(
                        modes[label], args, env, sink, redis, web, database_url, number
                    )
                    number += args.requests
                    samples[label] += latencies
                    round_p99[label].append(percentile(latencies, 0.99) * 1000)
                    walls[label] += wall
        finally:
            web.stop()
    finally:
        sink.stop()
        redis.stop()
        drop_database(database_url)

    print(
        f"\nLead intake: POST /api/v2/leads/ over HTTP (gunicorn, 2 processes x 8 threads), "
        f"{args.rounds} rounds x {args.requests} requests per mode, arriving at {args.rate:g}/s"
    )
    print(f"{'SMTP server':<22}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    p99 = {}
    for label, latencies in samples.items():
        p99[label] = percentile(latencies, 0.99) * 1000
        print(
            f"{label:<22}{len(latencies) / walls[label]:>8.1f}"
            f"{statistics.median(latencies) * 1000:>9.1f}{p99[label]:>9.1f}"
            f"{max(latencies) * 1000:>9.1f}"
        )
    for label, values in round_p99.items():
        print(f"{label:<22}p99 per round, ms: " + ", ".join(f"{v:.1f}" for v in values))
    instant, slow = p99.values()
    ratio = slow / instant
    # What is checked is that intake does not wait on SMTP: a slow SMTP server may not make the
    # intake's p99 worse. A slow-SMTP p99 below the instant one is the machine's noise landing on
    # the other mode (both modes alternate in every round), not a fault, so the check is one-sided.
    verdict = "OK" if ratio <= 1 + args.tolerance else "FAIL"
    print(
        f"intake p99 with slow SMTP / with instant SMTP = {ratio:.2f} "
        f"(must be at most {1 + args.tolerance:.2f}): {verdict}"
    )
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
