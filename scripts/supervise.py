#!/usr/bin/env python
"""`make up`: the web server, the Celery worker and beat on one host, each restarted if it exits.

For a small practice on one machine without a process manager (deploy/ has systemd units for a
server). Each process is `scripts/proc NAME` in its own process group, writing to this one's
output. A process that exits, however it exits, is started again after a back-off (1 s, doubling
up to 60 s, back to 1 s once it has run for a minute); anything it left behind in its group (a
pool process, a gunicorn worker) is killed first. SIGTERM or SIGINT is passed on to every process;
they get SUPERVISE_STOP_TIMEOUT seconds (default 60: the worker finishes the email it is sending),
then their groups are killed, and this exits 0. A second signal kills them at once.

    .venv/bin/python scripts/supervise.py [web] [worker] [beat]

Standard library only: it must keep running whatever state the project's code is in.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

PROC = Path(__file__).resolve().parent / "proc"
NAMES = ("web", "worker", "beat")
FIRST_DELAY, MAX_DELAY, HEALTHY_AFTER = 1.0, 60.0, 60.0
POLL = 0.2


def log(message: str) -> None:
    print(f"supervise: {message}", flush=True)


def describe(returncode: int) -> str:
    if returncode < 0:
        try:
            return f"signal {signal.Signals(-returncode).name}"
        except ValueError:
            return f"signal {-returncode}"
    return f"exit code {returncode}"


def kill_group(pgid: int, sig: int) -> None:
    """Signal the process group a child leads (its own, from start_new_session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class Child:
    """One supervised process: started, watched, started again after a back-off."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0
        self.delay = 0.0
        self.start_at = 0.0  # when to start it next (monotonic); 0 = now

    def start(self) -> None:
        self.proc = subprocess.Popen([str(PROC), self.name], start_new_session=True)
        self.started_at = time.monotonic()
        log(f"{self.name} started (pid {self.proc.pid})")

    def watch(self, now: float) -> None:
        """Start it when due; notice when it exited and plan the next start."""
        if self.proc is None:
            if now >= self.start_at:
                self.start()
            return
        returncode = self.proc.poll()
        if returncode is None:
            return
        kill_group(self.proc.pid, signal.SIGKILL)  # what it left behind
        ran = now - self.started_at
        if ran >= HEALTHY_AFTER:
            self.delay = FIRST_DELAY
        else:
            self.delay = min(max(self.delay * 2, FIRST_DELAY), MAX_DELAY)
        self.start_at = now + self.delay
        log(
            f"{self.name} (pid {self.proc.pid}) exited with {describe(returncode)} after "
            f"{ran:.1f} s; starting it again in {self.delay:.0f} s"
        )
        self.proc = None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


def stop(children: list[Child], sig: int, timeout: float, signals: list[int]) -> None:
    """Pass `sig` on to each running child, wait up to `timeout`, then kill what is left."""
    log(f"{signal.Signals(sig).name}: stopping {', '.join(c.name for c in children)}")
    received = len(signals)
    for child in children:
        if child.running():
            os.kill(child.proc.pid, sig)
    deadline = time.monotonic() + timeout
    while any(c.running() for c in children):
        if time.monotonic() >= deadline or len(signals) > received:
            for child in children:
                if child.running():
                    log(f"{child.name} (pid {child.proc.pid}) did not stop: killing it")
            break
        time.sleep(POLL)
    for child in children:
        if child.proc is not None:
            kill_group(child.proc.pid, signal.SIGKILL)
            child.proc.wait()
            log(f"{child.name} (pid {child.proc.pid}) stopped: {describe(child.proc.returncode)}")


def main(argv: list[str]) -> int:
    names = argv or list(NAMES)
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        print(f"usage: supervise.py [{'] ['.join(NAMES)}]; unknown: {unknown}", file=sys.stderr)
        return 2
    timeout = float(os.environ.get("SUPERVISE_STOP_TIMEOUT", "60"))
    signals: list[int] = []

    def on_signal(signum, frame):
        signals.append(signum)

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    children = [Child(name) for name in names]
    log(f"running (pid {os.getpid()}): {', '.join(names)}")
    while not signals:
        now = time.monotonic()
        for child in children:
            if signals:
                break
            child.watch(now)
        time.sleep(POLL)
    stop(children, signals[0], timeout, signals)
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
