"""Real service processes for tests: an SMTP sink, Celery worker and beat, a private Redis server.

Each is a real process or server of ours, started on a free port and stopped by its own handle
(never by name, and never the machine's shared services).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

from aiosmtpd.controller import Controller

BASE_DIR = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, interval: float = 0.1, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class _Handler:
    sink: SmtpSink

    async def handle_DATA(self, server, session, envelope):
        sink = self.sink
        if sink.delay:
            import asyncio

            await asyncio.sleep(sink.delay)
        if sink.reject_code:
            return f"{sink.reject_code} Requested action not taken: mailbox unavailable"
        with sink.lock:
            sink.messages.append(message_from_bytes(envelope.content))
            sink.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@dataclass
class SmtpSink:
    """An aiosmtpd server on a free port that keeps every message it accepts.

    `reject_code = 550` answers every message with a permanent rejection; `delay` makes each
    message take that many seconds; `stop()` and `start()` take it down and bring it back on the
    same port.
    """

    port: int = field(default_factory=free_port)
    messages: list[Message] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    reject_code: int | None = None
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)
    _controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def count(self) -> int:
        with self.lock:
            return len(self.messages)


class RedisServer:
    """A private redis-server process on a free port, for tests that stop or freeze Redis."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--loglevel",
                "warning",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self._answers, timeout=10, what=f"redis-server on port {self.port}")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections but nothing answers."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)


class ManagedProcess:
    """A long-running command in its own process group, logging to var/, stopped by its pid.

    Subclasses give the command (`build_command`) and what "ready" means (`is_ready`).
    """

    label = "process"

    def __init__(self, command: list[str], env: dict[str, str], name: str) -> None:
        self.command = command
        self.env = env
        self.name = name
        self.proc: subprocess.Popen | None = None
        self.log_path = BASE_DIR / "var" / f"test-{name}.log"

    def build_command(self) -> list[str]:
        return self.command

    def is_ready(self) -> bool:
        return True

    def start(self, wait: bool = True) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(
            self.build_command(),
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if wait:
            wait_for(self._ready, timeout=60, interval=0.3, what=f"{self.label} {self.name}")

    def running(self) -> bool:
        if self.proc is not None and self.proc.poll() is not None:
            raise RuntimeError(f"{self.label} {self.name} exited early; see {self.log_path}")
        return self.proc is not None

    def _ready(self) -> bool:
        return self.running() and self.is_ready()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
        self.proc = None

    def kill(self) -> None:
        """SIGKILL the process and its children at once, as a crash would."""
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self.proc = None


class CeleryWorker(ManagedProcess):
    """A real `celery -A cms worker` process, configured by environment like production."""

    label = "celery worker"

    def __init__(
        self, env: dict[str, str], name: str, beat: bool = False, concurrency: int = 1
    ) -> None:
        super().__init__([], env, name)
        self.beat = beat
        self.concurrency = concurrency
        self.log_path = BASE_DIR / "var" / f"test-worker-{name}.log"

    def build_command(self) -> list[str]:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cms",
            "worker",
            "--hostname",
            f"{self.name}@%h",
            "--concurrency",
            str(self.concurrency),
            "--pool",
            "prefork",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
        ]
        if self.beat:
            schedule = BASE_DIR / "var" / f"test-beat-{self.name}"
            command += ["--beat", "--schedule", str(schedule)]
        return command

    def is_ready(self) -> bool:
        return b" ready." in self.log_path.read_bytes()


class CeleryBeat(ManagedProcess):
    """A real standalone `celery -A cms beat` process (as `make beat` runs in production).

    Ready once beat logged that it is starting: that is before it first reaches the broker, so a
    beat whose broker is down counts as started.
    """

    label = "celery beat"

    def __init__(self, env: dict[str, str], name: str) -> None:
        super().__init__([], env, name)
        self.log_path = BASE_DIR / "var" / f"test-beat-{name}.log"
        self.schedule = BASE_DIR / "var" / f"test-beat-{name}.schedule"

    def build_command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "cms",
            "beat",
            "--schedule",
            str(self.schedule),
            "--loglevel",
            "INFO",
        ]

    def is_ready(self) -> bool:
        return b"beat: Starting..." in self.log_path.read_bytes()


class WebServer(ManagedProcess):
    """A real gunicorn process serving `cms.wsgi`, configured by environment like production."""

    label = "gunicorn"

    def __init__(self, env: dict[str, str], name: str, workers: int = 2, threads: int = 8) -> None:
        super().__init__([], env, name)
        self.port = free_port()
        self.workers = workers
        self.threads = threads
        self.log_path = BASE_DIR / "var" / f"test-web-{name}.log"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def build_command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "cms.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--timeout",
            "30",
            "--access-logfile",
            "-",
        ]

    def is_ready(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"GET /health/ HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                return sock.recv(16).startswith(b"HTTP/")
        except OSError:
            return False


class Browser:
    """Just enough of a browser over plain HTTP: keeps cookies (Secure ones too, as behind TLS)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        connection = HTTPConnection("127.0.0.1", self.port, timeout=15)
        headers = {"Host": "127.0.0.1", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.monotonic()
        try:
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            text = response.read().decode()
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, text, time.monotonic() - started

    def health(self) -> tuple[int, dict]:
        status, text, _ = self.request("GET", "/health/")
        return status, json.loads(text)

    def submit_form(self, number: int) -> tuple[int, float]:
        status, page, _ = self.request("GET", "/consultation/")
        assert status == 200, page[:300]
        time.sleep(3.1)  # a person takes longer than LEADS_MIN_FILL_SECONDS to fill the form in
        status, _, seconds = self.post_form(
            page, f"Form Visitor {number}", f"form{number}@example.org"
        )
        return status, seconds

    def post_form(self, page: str, name: str, email: str) -> tuple[int, str, float]:
        """POST the consultation form read from `page` (its hidden fields) as a person fills it."""
        hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
        form = {
            **hidden,
            "name": name,
            "email": email,
            "phone": "+14085550142",
            "preferred_contact": "phone",
            "message": "Please call me back.",
            "consent": "on",
        }
        return self.request(
            "POST",
            "/consultation/",
            body=urlencode(form),
            # A browser sends the page's origin with every form POST.
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": "http://127.0.0.1",
            },
        )

    def submit_json(self, number: int) -> tuple[int, float]:
        body = {
            "name": f"Api Visitor {number}",
            "email": f"api{number}@example.org",
            "phone": "+14085550142",
            "consent": True,
        }
        status, _, seconds = self.request(
            "POST",
            "/api/v2/leads/",
            body=json.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        return status, seconds


SECRET = "smoke-test-secret-key-" + "x" * 40


def production_env(
    database_url: str, redis_url: str, smtp_url: str, tmp: Path, port: int, **overrides: str
) -> dict[str, str]:
    """The environment of the production processes (`make serve`, `make worker`, `make beat`)
    against the given services, with short relay timings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST", "DJANGO_", "CELERY_", "CACHE_", "REDIS_", "DATABASE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.production",
        SECRET_KEY=SECRET,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        SITE_URL="https://practice.example",
        EMAIL_URL=f"{smtp_url}?timeout=5",
        DEFAULT_FROM_EMAIL="Practice website <noreply@practice.example>",
        LEADS_NOTIFY_TO="therapist@practice.example",
        TRUSTED_PROXY_COUNT="0",
        SECURE_SSL_REDIRECT="false",
        STATIC_ROOT=str(tmp / "static"),
        BEAT_SCHEDULE_FILE=str(tmp / "beat-schedule"),
        WEB_CONCURRENCY="2",
        WORKER_CONCURRENCY="2",
        PORT=str(port),
        LEADS_NOTIFY_RELAY_INTERVAL="1",
        LEADS_NOTIFY_REPUBLISH_AFTER="5",
        LOG_LEVEL="INFO",
    )
    env.update(overrides)
    return env
