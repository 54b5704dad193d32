"""Shared fixtures, and the service groups a test needs.

A test marked `postgres`, `redis`, `worker`, `smtp`, `browser` or `faults` runs against the real
thing. When that thing is not available (a laptop with no DATABASE_URL or REDIS_URL), the test is
skipped and the summary says which group and why; with CI=true a missing service fails the run.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.services import CeleryBeat, CeleryWorker, RedisServer, SmtpSink, WebServer

# Playwright's sync API runs an event loop in the test thread; Django's async-safety guard would
# otherwise refuse the database calls that browser tests make between page actions.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parent.parent
ARTIFACTS_DIR = BASE_DIR / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
GROUPS = ("postgres", "redis", "worker", "smtp", "browser", "faults", "node")


def _postgres() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return "DATABASE_URL is not a PostgreSQL URL"
    import psycopg

    # The server's maintenance database: the URL's own database need not exist yet, since
    # pytest-django creates test_<name> from here.
    server = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.Error as exc:
        return f"PostgreSQL at DATABASE_URL does not answer ({exc.__class__.__name__})"
    return None


def _redis() -> str | None:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "REDIS_URL is not set"
    import redis

    try:
        redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        return f"Redis at REDIS_URL does not answer ({exc.__class__.__name__})"
    return None


def _browser() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def _node() -> str | None:
    example = BASE_DIR / "examples" / "frontend" / "node_modules"
    if shutil.which("node") is None:
        return "Node is not installed"
    if not (example / ".bin" / "tsc").exists():
        return "the TypeScript example's packages are missing (make install-dev)"
    return None


def _redis_binary() -> str | None:
    if not (shutil.which("redis-server") or Path("/usr/bin/redis-server").exists()):
        return "redis-server is not installed"
    return None


def pytest_configure(config):
    postgres, redis_, browser = _postgres(), _redis(), _browser()
    worker = postgres or redis_
    faults = worker or _redis_binary()
    config._service_groups = {
        "postgres": postgres,
        "redis": redis_,
        "worker": worker and f"a worker needs PostgreSQL and Redis: {worker}",
        "smtp": None,
        "browser": browser,
        "faults": faults and f"fault tests need PostgreSQL, Redis and redis-server: {faults}",
        "node": _node(),
    }
    config._service_counts = Counter()


def pytest_collection_modifyitems(config, items):
    if "chaos" not in (config.option.markexpr or ""):
        # The chaos run takes minutes and is chosen on purpose: make test-chaos (-m chaos).
        deselected = [item for item in items if item.get_closest_marker("chaos")]
        if deselected:
            items[:] = [item for item in items if not item.get_closest_marker("chaos")]
            config.hook.pytest_deselected(items=deselected)
    unavailable = config._service_groups
    missing_in_ci = set()
    for item in items:
        for group in GROUPS:
            if item.get_closest_marker(group) is None:
                continue
            reason = unavailable[group]
            if reason is None:
                config._service_counts[(group, "ran")] += 1
                continue
            config._service_counts[(group, "skipped")] += 1
            if IN_CI:
                missing_in_ci.add(f"{group}: {reason}")
            item.add_marker(pytest.mark.skip(reason=f"[{group} group skipped] {reason}"))
    if missing_in_ci:
        raise pytest.UsageError(
            "CI=true, but these service groups cannot run:\n  " + "\n  ".join(sorted(missing_in_ci))
        )


def _write_fault_reports(terminalreporter) -> None:
    """The counts fault scenarios recorded with `fault_report`, shown whether or not -s is on."""
    lines = []
    for reports in terminalreporter.stats.values():
        for report in reports:
            if getattr(report, "when", None) != "call":
                continue
            for key, value in getattr(report, "user_properties", ()):
                if key == "fault_report":
                    lines.append(f"{report.nodeid.split('::')[-1]} [{report.outcome}]: {value}")
    if lines:
        terminalreporter.section("fault scenarios")
        for line in sorted(lines):
            terminalreporter.write_line(line)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    _write_fault_reports(terminalreporter)
    counts = config._service_counts
    if not counts:
        return
    terminalreporter.section("service groups")
    for group in GROUPS:
        ran, skipped = counts[(group, "ran")], counts[(group, "skipped")]
        if not ran and not skipped:
            continue
        if skipped:
            line = f"{group}: SKIPPED {skipped} tests ({config._service_groups[group]})"
        else:
            line = f"{group}: ran {ran} tests against the real service"
        terminalreporter.write_line(line)


# Browser ---------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium, never a downloaded browser."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def client():
    """Django's test client, checking every `/api/v2/` answer against the OpenAPI document
    (tests/openapi_check.py), in every test that uses it."""
    from tests.openapi_check import ValidatingClient

    return ValidatingClient()


@pytest.fixture
def admin_client(client, admin_user):
    """pytest-django's superuser client, signed in with the second factor passed (a superuser
    must use two-factor sign-in), through the one helper in tests/staff.py."""
    from tests.staff import sign_in

    sign_in(client, admin_user)
    return client


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    return ARTIFACTS_DIR


# Processes -------------------------------------------------------------------------------------


@pytest.fixture
def smtp_sink():
    """A real SMTP server (aiosmtpd) on a free port, collecting what it accepts."""
    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
def database_unreachable():
    """This process's database connection pointed at a closed port, as if PostgreSQL had stopped."""
    from django.db import connection

    connection.close()
    original = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"
    yield
    connection.close()
    connection.settings_dict["PORT"] = original


@pytest.fixture
def redis_server():
    """A private redis-server this test may stop or freeze; the machine's Redis is never touched."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def test_database_url(django_db_setup, django_db_blocker) -> str:
    """DATABASE_URL pointing at the test database, for processes the test starts."""
    from django.db import connection

    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


@pytest.fixture
def service_env(test_database_url) -> dict[str, str]:
    """The environment a worker or server process started by a test runs with."""
    from django.conf import settings

    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        DJANGO_SETTINGS_MODULE="cms.settings.test",
        DATABASE_URL=test_database_url,
        CELERY_TEST_QUEUE=settings.CELERY_TASK_DEFAULT_QUEUE,
        LOG_LEVEL="INFO",
    )
    return env


@pytest.fixture
def start_worker(service_env, request):
    """Start real Celery workers: `start_worker(EMAIL_URL=...)`, `concurrency=2` for two pool
    processes (production's default); all stop at teardown."""
    workers: list[CeleryWorker] = []

    def start(
        beat: bool = False, wait: bool = True, concurrency: int = 1, **env_overrides
    ) -> CeleryWorker:
        env = {**service_env, **env_overrides}
        name = f"{request.node.name[:40]}-{len(workers)}".replace("[", "-").replace("]", "")
        worker = CeleryWorker(env, name=name, beat=beat, concurrency=concurrency)
        workers.append(worker)
        worker.start(wait=wait)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def start_beat(service_env, request):
    """Start real standalone `celery beat` processes: `start_beat(REDIS_URL=...)`; all stop at
    teardown."""
    beats: list[CeleryBeat] = []

    def start(wait: bool = True, **env_overrides) -> CeleryBeat:
        env = {**service_env, **env_overrides}
        name = f"{request.node.name[:40]}-{len(beats)}".replace("[", "-").replace("]", "")
        beat = CeleryBeat(env, name=name)
        beats.append(beat)
        beat.start(wait=wait)
        return beat

    yield start
    for beat in beats:
        beat.stop()


@pytest.fixture
def start_web(service_env, request):
    """Start real gunicorn servers: `start_web(REDIS_URL=...)`; all stop at teardown."""
    servers: list[WebServer] = []

    def start(wait: bool = True, **env_overrides) -> WebServer:
        env = {**service_env, **env_overrides}
        name = f"{request.node.name[:40]}-{len(servers)}".replace("[", "-").replace("]", "")
        server = WebServer(env, name=name)
        servers.append(server)
        server.start(wait=wait)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def worker_heartbeat(transactional_db):
    """A worker that reported a moment ago (committed, so /health/'s probe threads see it)."""
    from leads.heartbeat import beat

    beat("test-worker@localhost")


@pytest.fixture
def fault_report(request):
    """`fault_report(sent=100, duplicates=0)`: counts printed in the "fault scenarios" summary."""

    def report(**counts) -> None:
        line = ", ".join(f"{name}={value}" for name, value in counts.items())
        request.node.user_properties.append(("fault_report", line))

    return report


@pytest.fixture
def publish_to(settings):
    """Point this process's Celery publishing at another broker: `publish_to(redis_server.url)`."""
    from celery import current_app

    conf = current_app.conf
    previous = {key: conf.get(key) for key in ("broker_url", "broker_write_url")}

    def point(url: str) -> None:
        conf.update(broker_url=url, broker_write_url=url)

    yield point
    conf.update(previous)


# Data that migrations create ------------------------------------------------------------------

DB_FIXTURES = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}


def _restore_if_flushed(data: str) -> None:
    """Reload `data` when a flush has emptied the tables (ids, sequences and caches included)."""
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection
    from wagtail.models import Page

    if Page.objects.filter(depth=1).exists():
        return
    call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
    connection.creation.deserialize_db_from_string(data)
    # The rows came back with their ids; move each sequence past them, as loaddata does.
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    # Content types came back with their first ids; forget the ids cached since the flush.
    ContentType.objects.clear_cache()
    cache.clear()


@pytest.fixture(scope="session")
def migrated_data(django_db_setup, django_db_blocker):
    """What the migrations wrote (Wagtail's root page, locale, collection and groups, the Lead
    managers group), serialized once; put back at the end too, so `--reuse-db` finds it."""
    from django.db import connection

    with django_db_blocker.unblock():
        data = connection.creation.serialize_db_to_string()
    yield data
    with django_db_blocker.unblock():
        _restore_if_flushed(data)


@pytest.fixture(autouse=True)
def _fresh_reference_data():
    """Each test starts without kept reference data (cms.serving.refdata): a rolled-back transaction
    does not stamp a new content version, so what one test kept could show in the next."""
    from cms.serving import refdata

    refdata.clear()
    yield
    refdata.clear()


@pytest.fixture(autouse=True)
def _restore_migrated_data(request, django_db_blocker):
    """Put back what a transactional test's flush removed, before the next database test starts.

    A transactional test (browser, worker and fault tests) ends with a flush that empties every
    table, including the rows data migrations created; the next test would find no Wagtail root
    page. This does what Django's serialized rollback does, for every test, and costs one query
    while the rows are there.
    """
    marker = request.node.get_closest_marker("django_db")
    if not (marker or DB_FIXTURES & set(request.fixturenames)):
        return
    data = request.getfixturevalue("migrated_data")
    with django_db_blocker.unblock():
        _restore_if_flushed(data)
