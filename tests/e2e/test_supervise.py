"""`make up` on one host: gunicorn, the worker and beat under scripts/supervise.py, with production
settings against PostgreSQL, a private Redis and an SMTP sink. A worker killed outright is started
again and delivers the next request; SIGTERM stops everything and the supervisor exits 0.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import time
from collections import defaultdict
from http.client import HTTPConnection
from pathlib import Path

import pytest

from tests.leads.notify_support import post_lead
from tests.services import ManagedProcess, wait_for

pytestmark = [
    pytest.mark.worker,
    pytest.mark.smtp,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

STARTED = re.compile(r"^supervise: (\w+) started \(pid (\d+)\)$", re.MULTILINE)
RUNNING = re.compile(r"^supervise: running \(pid (\d+)\)", re.MULTILINE)


def alive(pgid: int) -> bool:
    """Whether any process of the group a child led is still running (zombies do not count)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            return True
    return False


class Supervisor(ManagedProcess):
    """`make up`, with what its log says about the processes it started."""

    label = "make up"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def children(self) -> dict[str, list[int]]:
        started = defaultdict(list)
        for name, pid in STARTED.findall(self.log()):
            started[name].append(int(pid))
        return started

    def supervisor_pid(self) -> int | None:
        match = RUNNING.search(self.log())
        return int(match.group(1)) if match else None

    def workers_ready(self) -> int:
        return self.log().count(" ready.")


def health(port: int) -> int:
    connection = HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/health/", headers={"Host": "127.0.0.1"})
        return connection.getresponse().status
    except OSError:
        return 0
    finally:
        connection.close()


@pytest.fixture
def make_up(production_env):
    env = {**production_env, "SUPERVISE_STOP_TIMEOUT": "30"}
    supervisor = Supervisor(["make", "--no-print-directory", "up"], env, "supervise")
    supervisor.log_path.unlink(missing_ok=True)
    supervisor.start()
    yield supervisor
    # Whatever happened in the test: stop through the supervisor, then make sure nothing is left.
    pid = supervisor.supervisor_pid()
    if pid and supervisor.proc is not None and supervisor.proc.poll() is None:
        os.kill(pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            supervisor.proc.wait(timeout=60)
    supervisor.stop()
    for pids in supervisor.children().values():
        for child in pids:
            if alive(child):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child, signal.SIGKILL)


def test_make_up_starts_a_killed_worker_again_and_stops_everything_on_sigterm(
    make_up, production_env, smtp_sink, fault_report
):
    port = int(production_env["PORT"])

    def up() -> bool:
        make_up.running()
        started = make_up.children()
        return (
            all(started[name] for name in ("web", "worker", "beat"))
            and make_up.workers_ready() >= 1
            and health(port) == 200
        )

    wait_for(up, timeout=180, interval=0.5, what="web, worker and beat under make up")
    (first_worker,) = make_up.children()["worker"]

    os.kill(first_worker, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(
        lambda: len(make_up.children()["worker"]) == 2 and make_up.workers_ready() >= 2,
        timeout=90,
        interval=0.2,
        what="a new worker after the kill",
    )
    back_after = time.monotonic() - killed_at
    second_worker = make_up.children()["worker"][-1]
    status, _ = post_lead(f"http://127.0.0.1:{port}", 1)
    wait_for(lambda: smtp_sink.count() >= 1, timeout=60, what="the email, sent by the new worker")
    first_group_left = alive(first_worker)

    supervisor_pid = make_up.supervisor_pid()
    os.kill(supervisor_pid, signal.SIGTERM)
    make_up.proc.wait(timeout=60)
    children = make_up.children()
    still_running = {name: pid for name, pids in children.items() for pid in pids if alive(pid)}
    log = make_up.log()
    fault_report(
        worker_pids=children["worker"],
        new_worker_ready_after_kill_s=round(back_after, 1),
        lead_status=status,
        emails=smtp_sink.count(),
        make_up_exit=make_up.proc.returncode,
        left_running=still_running,
    )

    assert second_worker != first_worker
    assert f"worker (pid {first_worker}) exited with signal SIGKILL" in log
    assert not first_group_left, "the killed worker's pool processes were left running"
    assert status == 201
    assert smtp_sink.count() == 1
    assert make_up.proc.returncode == 0
    assert "supervise: stopped" in log
    assert still_running == {}
    assert len(children["web"]) == len(children["beat"]) == 1
