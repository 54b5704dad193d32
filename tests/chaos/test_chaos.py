"""The chaos run (`make test-chaos`, never part of `make test`): the production process model
under random faults, and the practice's promise checked at the end.

Real processes, all private to this run: a PostgreSQL cluster, a Redis (broker, and cache on the
next database, as production defaults), an SMTP server, and `make serve`, `make worker`,
`make beat` with production settings. Consultation requests arrive at a steady rate through the
HTML form and the JSON API while a fault is injected every few seconds: Redis restarted or
frozen, the worker SIGKILLed and restarted, SMTP stopped, PostgreSQL stopped, each for a few
seconds. Invariants: every request answered 2xx/3xx is stored and emailed exactly once (at most
one duplicate per worker killed), every request not stored got a 503 naming the phone, no 500
anywhere, everything is delivered within 60 s of the last fault, and the worker never exits on
its own (a crash is counted, and restarted as the supervisor would). The figures are printed.
"""

from __future__ import annotations

import contextlib
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from glob import glob
from pathlib import Path

import psycopg
import pytest

from leads.notifications import PRACTICE_SUBJECT
from tests.leads.notify_support import lead_id_of
from tests.services import (
    BASE_DIR,
    Browser,
    ManagedProcess,
    RedisServer,
    SmtpSink,
    free_port,
    production_env,
    wait_for,
)

pytestmark = [pytest.mark.chaos]

DURATION = float(os.environ.get("CHAOS_SECONDS", "190"))
RATE = float(os.environ.get("CHAOS_RATE", "2"))  # requests per second, both entry points
FAULT_GAP = (4.0, 7.0)  # seconds between the end of one fault and the next
DELIVERY_DEADLINE = 60.0
PHONE = "(408) 555-0142"
SEED = int(os.environ.get("CHAOS_SEED", str(int(time.time()))))
MIN_FAULTS = int(os.environ.get("CHAOS_MIN_FAULTS", "20"))


class PrivatePostgres:
    """A PostgreSQL cluster of this run's own (initdb/pg_ctl), on a free port, stopped at will."""

    def __init__(self) -> None:
        binaries = sorted(glob("/usr/lib/postgresql/*/bin/pg_ctl"))
        assert binaries, "PostgreSQL server binaries not found (apt-get install postgresql)"
        self.bin = Path(binaries[-1]).parent
        self.port = free_port()
        self.root = Path(tempfile.mkdtemp(prefix="chaos-pg-"))
        self.root.chmod(0o755)
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/chaos"

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")
        self.start()
        with psycopg.connect(self.url.replace("/chaos", "/postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE chaos")

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.root}"
            " -c fsync=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@dataclass
class Answer:
    entry: str
    email: str
    status: int
    body: str
    answered_at: float


@dataclass
class Run:
    """What happened: every answer, every fault, every message the SMTP server accepted."""

    answers: list[Answer] = field(default_factory=list)
    page_statuses: Counter = field(default_factory=Counter)
    faults: list[tuple[float, str]] = field(default_factory=list)
    worker_restarts: int = 0
    worker_crashes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Stack:
    """The three production processes on the private services, started with the make targets."""

    def __init__(self, postgres: PrivatePostgres, redis: RedisServer, smtp: SmtpSink, tmp: Path):
        self.port = free_port()
        env = production_env(
            postgres.url,
            redis.url,
            smtp.url,
            tmp,
            self.port,
            LEADS_FALLBACK_PHONE=PHONE,
            LEADS_RATE_LIMIT="0",
            LEADS_NOTIFY_STUCK_AFTER="15",
            LEADS_NOTIFY_BACKOFF_BASE="1",
            LEADS_NOTIFY_BACKOFF_MAX="5",
            LEADS_NOTIFY_MAX_ATTEMPTS="1000",
        )
        self.env = env
        self.web = self._process("serve")
        self.beat = self._process("beat")
        self.worker = self._process("worker")
        self.worker_lock = threading.Lock()

    def _process(self, target: str) -> ManagedProcess:
        return ManagedProcess(["make", "--no-print-directory", target], self.env, f"chaos-{target}")

    def manage(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=self.env,
            check=True,
            capture_output=True,
            timeout=600,
        )

    def start(self) -> None:
        self.manage("migrate", "--noinput")
        self.manage("load_demo_content")
        for process in (self.web, self.beat, self.worker):
            process.start(wait=False)
        browser = Browser(self.port)
        wait_for(lambda: _answers(browser), timeout=180, interval=0.5, what="the site")

    def restart_worker(self) -> None:
        self.worker = self._process("worker")
        self.worker.start(wait=False)

    def worker_exited(self) -> bool:
        """True when the worker exited on its own (not killed by the run): a crash."""
        proc = self.worker.proc
        return proc is not None and proc.poll() is not None

    def stop(self) -> None:
        for process in (self.web, self.beat, self.worker):
            process.stop()


def _answers(browser: Browser) -> bool:
    try:
        return browser.request("GET", "/consultation/")[0] == 200
    except OSError:
        return False


def submit(stack: Stack, run: Run, number: int) -> None:
    """One person: the HTML form (page, then a post after they typed) or the JSON API."""
    browser = Browser(stack.port)
    entry = "form" if number % 2 else "api"
    email = f"chaos{number}@example.org"
    try:
        if entry == "form":
            status, page, _ = browser.request("GET", "/consultation/")
            with run.lock:
                run.page_statuses[status] += 1
            if status != 200:
                return  # no form to fill in: nothing was sent
            time.sleep(3.2)  # longer than LEADS_MIN_FILL_SECONDS, as a person would take
            status, body, _ = browser.post_form(page, f"Chaos Visitor {number}", email)
        else:
            payload = (
                f'{{"name": "Chaos Visitor {number}", "email": "{email}", '
                '"phone": "+14085550142", "consent": true}'
            )
            status, body, _ = browser.request(
                "POST", "/api/v2/leads/", body=payload, headers={"Content-Type": "application/json"}
            )
    except OSError as exc:
        status, body = 0, f"connection failed: {exc}"
    with run.lock:
        run.answers.append(Answer(entry, email, status, body, time.monotonic()))


def faults(stack: Stack, postgres: PrivatePostgres, redis: RedisServer, smtp: SmtpSink, run: Run):
    """The fault kinds, each undoing itself after a few seconds."""

    def redis_restart() -> None:
        redis.stop()
        time.sleep(random.uniform(2, 5))
        redis.start()

    def redis_freeze() -> None:
        redis.freeze()
        time.sleep(random.uniform(2, 5))
        redis.thaw()

    def worker_kill() -> None:
        with stack.worker_lock:
            stack.worker.kill()
        time.sleep(random.uniform(1, 3))
        with stack.worker_lock:
            stack.restart_worker()
        run.worker_restarts += 1

    def smtp_stop() -> None:
        smtp.stop()
        time.sleep(random.uniform(3, 6))
        smtp.start()

    def postgres_stop() -> None:
        postgres.stop()
        time.sleep(random.uniform(2, 5))
        postgres.start()

    return {
        "redis restart": redis_restart,
        "redis freeze": redis_freeze,
        "worker SIGKILL": worker_kill,
        "smtp stop": smtp_stop,
        "postgres stop": postgres_stop,
    }


def stored_leads(postgres: PrivatePostgres) -> dict[str, int]:
    with psycopg.connect(postgres.url) as conn:
        return dict(conn.execute("SELECT email, id FROM leads_lead").fetchall())


def practice_emails(smtp: SmtpSink) -> list[int]:
    with smtp.lock:
        messages = list(smtp.messages)
    return [lead_id_of(m) for m in messages if m["Subject"] == PRACTICE_SUBJECT]


@pytest.fixture
def private_services(tmp_path):
    postgres = PrivatePostgres()
    redis = RedisServer()
    smtp = SmtpSink()
    try:
        postgres.init()
        redis.start()
        smtp.start()
        yield postgres, redis, smtp
    finally:
        smtp.stop()
        redis.stop()
        postgres.destroy()


def test_chaos_nothing_is_lost(private_services, tmp_path, fault_report):
    postgres, redis, smtp = private_services
    random.seed(SEED)
    stack = Stack(postgres, redis, smtp, tmp_path)
    run = Run()
    stop = threading.Event()
    done = threading.Event()
    first_seen: dict[int, float] = {}

    def watch() -> None:
        """Note each lead's first email; restart a worker that exited on its own, as the
        production supervisor would, and count it as a crash."""
        while not done.is_set():
            now = time.monotonic()
            for lead_id in practice_emails(smtp):
                first_seen.setdefault(lead_id, now)
            with stack.worker_lock:
                if stack.worker_exited():
                    run.worker_crashes += 1
                    stack.restart_worker()
            time.sleep(0.2)

    def inject() -> None:
        kinds = faults(stack, postgres, redis, smtp, run)
        names = sorted(kinds)
        while not stop.is_set():
            time.sleep(random.uniform(*FAULT_GAP))
            if stop.is_set():
                break
            name = random.choice(names)
            kinds[name]()
            run.faults.append((time.monotonic(), name))

    try:
        stack.start()
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        injector = threading.Thread(target=inject, daemon=True)
        started = time.monotonic()
        injector.start()
        number = 0
        with ThreadPoolExecutor(max_workers=32) as pool:
            while time.monotonic() - started < DURATION:
                pool.submit(submit, stack, run, number)
                number += 1
                time.sleep(1 / RATE)
            stop.set()
            injector.join(timeout=30)
        last_fault = run.faults[-1][0] if run.faults else started

        stored = stored_leads(postgres)
        accepted = [a for a in run.answers if 200 <= a.status < 400]
        expected = {stored[a.email] for a in accepted if a.email in stored}
        with contextlib.suppress(TimeoutError):
            wait_for(
                lambda: expected <= set(practice_emails(smtp)),
                timeout=DELIVERY_DEADLINE,
                interval=0.5,
                what="every accepted request's email",
            )
        time.sleep(3)  # late duplicates, if any, arrive now
    finally:
        stop.set()
        done.set()
        stack.stop()

    stored = stored_leads(postgres)
    per_lead = Counter(practice_emails(smtp))
    statuses = Counter(a.status for a in run.answers)
    accepted = [a for a in run.answers if 200 <= a.status < 400]
    refused = [a for a in run.answers if not 200 <= a.status < 400]
    lost = [a.email for a in accepted if a.email not in stored]
    undelivered = [a.email for a in accepted if per_lead.get(stored.get(a.email, -1), 0) == 0]
    refused_without_phone = [a for a in refused if a.status != 503 or PHONE not in a.body]
    duplicates = sum(count - 1 for count in per_lead.values() if count > 1)
    delays = [
        first_seen[stored[a.email]] - a.answered_at
        for a in accepted
        if a.email in stored and stored[a.email] in first_seen
    ]
    fault_kinds = Counter(name for _, name in run.faults)
    all_delivered = max((first_seen.get(stored.get(a.email, -1), 0) for a in accepted), default=0)
    fault_report(
        seed=SEED,
        seconds=round(DURATION),
        requests=len(run.answers),
        answers=dict(sorted(statuses.items())),
        form_pages=dict(sorted(run.page_statuses.items())),
        stored=len(stored),
        emailed=len(per_lead),
        duplicates=duplicates,
        worst_delivery_s=round(max(delays, default=0), 1),
        delivered_after_last_fault_s=round(max(all_delivered - last_fault, 0), 1),
        worker_restarts=run.worker_restarts,
        worker_crashes=run.worker_crashes,
        faults=len(run.faults),
        fault_kinds=dict(sorted(fault_kinds.items())),
    )

    assert len(run.faults) >= MIN_FAULTS, f"only {len(run.faults)} faults injected"
    assert 500 not in statuses and 500 not in run.page_statuses, "a 500 was answered"
    assert lost == [], f"answered 2xx but not stored: {lost[:5]}"
    assert undelivered == [], f"stored but never emailed: {len(undelivered)}"
    assert refused_without_phone == [], [(a.status, a.body[:200]) for a in refused_without_phone]
    assert duplicates <= run.worker_restarts
    assert run.worker_crashes == 0, "the worker exited on its own"
    assert set(per_lead) <= set(stored.values())
    assert all_delivered - last_fault <= DELIVERY_DEADLINE
