"""scripts/supervise.py's restart policy, with a stand-in process that exits at once."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "supervise.py"


@pytest.fixture
def supervise(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("supervise", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    proc = tmp_path / "proc"
    proc.write_text("#!/bin/sh\nexit 3\n")
    proc.chmod(0o755)
    monkeypatch.setattr(module, "PROC", proc)
    return module


def restart_once(child) -> float:
    """Let the running stand-in exit, have the supervisor notice, start it again; the delay."""
    child.proc.wait(timeout=10)
    child.watch(time.monotonic())
    assert child.proc is None
    child.watch(child.start_at)
    assert child.proc is not None
    return child.delay


def test_a_process_that_keeps_exiting_is_started_again_with_a_growing_back_off(supervise, capsys):
    child = supervise.Child("worker")
    child.watch(time.monotonic())
    delays = [restart_once(child) for _ in range(8)]
    child.proc.wait(timeout=10)

    assert delays == [1, 2, 4, 8, 16, 32, 60, 60]
    assert "exited with exit code 3 after" in capsys.readouterr().out


def test_a_process_that_ran_for_a_minute_is_started_again_after_a_second(supervise):
    child = supervise.Child("worker")
    child.watch(time.monotonic())
    for _ in range(4):
        restart_once(child)
    child.started_at -= supervise.HEALTHY_AFTER  # as if it had run for a minute

    assert restart_once(child) == 1
    child.proc.wait(timeout=10)


@pytest.mark.parametrize(("returncode", "text"), [(3, "exit code 3"), (-9, "signal SIGKILL")])
def test_exits_are_described_by_code_or_signal(supervise, returncode, text):
    assert supervise.describe(returncode) == text
