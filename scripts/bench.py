#!/usr/bin/env python
"""`make bench`: API and HTML throughput and server CPU per request, against two ceilings.

Builds a throw-away PostgreSQL database with the demo content multiplied to --articles articles,
starts a private redis-server (the Django cache) and gunicorn with production settings (DEBUG off),
and measures with wrk for a fixed duration per URL: the API listing of 20 articles with
`fields=*`, an article's API detail, the article HTML (an article without the consultation form
and one with it), the contact page, the home HTML, and two ceilings: `/api/v2/ping/` (a constant
JSON answer through the project's whole middleware stack) and a bare Django project
(scripts/bench_ceiling: `startproject`'s settings and middleware, one view returning the same
JSON) served by gunicorn with the same flags and workers. Each URL gets its req/s, its ratio to
both ceilings, and the CPU time gunicorn's processes used per request (from /proc; also with the
bench database's PostgreSQL processes and the private Redis added).

Each run has two phases, each its own gunicorn: the content cache on (warm: cache hits) and off
(every response built anew); then, for each, the article and home HTML with the page-view
counter on and off (INSIGHTS_COUNTING=off; the difference is its cost), each side on a gunicorn
started for it alone, in the order on, off, off, on. One setup, --runs runs (3 by default, 5 s
per URL: about 3.5 minutes a run). With the cache on, run 1 also prints the Lighthouse scores
(performance, accessibility, best practices, SEO) of the public pages, desktop and mobile
(scripts/lighthouse.py; needs `npm ci`). `make bench` runs the lead intake benchmark
(scripts/bench_leads.py) after it.

Needs wrk (Debian: apt-get install -y wrk) and DATABASE_URL pointing at a PostgreSQL server; the
database `bench_api` (or $BENCH_DB) is created and dropped there.

    .venv/bin/python scripts/bench.py [--runs 3] [--duration 5] [--articles 200] [--keep]
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import Request, urlopen

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.services import RedisServer, free_port, wait_for  # noqa: E402

PY = str(BASE_DIR / ".venv" / "bin" / "python")
if not Path(PY).exists():  # a worktree sharing another checkout's virtualenv
    PY = sys.executable
# BENCH_DB: another name, so that two checkouts can bench on one PostgreSQL server at once.
DB_NAME = os.environ.get("BENCH_DB", "bench_api")

MULTIPLY = """
from wagtail.models import Page
from blog.models import BlogIndexPage, BlogPage
target = {articles}
index = BlogIndexPage.objects.first()
originals = list(BlogPage.objects.live().order_by("pk"))
n = BlogPage.objects.count()
i = 0
while n < target:
    source = originals[i % len(originals)]
    i += 1
    copy = source.copy(
        to=index,
        update_attrs={{"slug": f"{{source.slug}}-{{n}}", "title": f"{{source.title}} ({{n}})"}},
        keep_live=True,
        log_action=None,
    )
    n += 1
print(BlogPage.objects.live().count(), "articles;",
      BlogPage.objects.order_by("pk").first().pk, "first id")
"""


def media_root() -> Path:
    """The bench database's uploaded files: kept with it (--keep) for scripts/profile_url.py."""
    return Path(tempfile.gettempdir()) / f"{DB_NAME}-media"


def production_env(db_url: str, redis_url: str, scratch: Path) -> dict[str, str]:
    """The production settings the benchmarks run with (also scripts/profile_url.py)."""
    return {
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "DATABASE_URL": db_url,
        "DB_CONN_MAX_AGE": "600",
        "REDIS_URL": redis_url,
        "CACHE_URL": redis_url,
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_URL": "dummy://",
        "DEFAULT_FROM_EMAIL": "bench@example.org",
        "LEADS_NOTIFY_TO": "bench@example.org",
        "TRUSTED_PROXY_COUNT": "0",
        "SECURE_SSL_REDIRECT": "false",
        "SECURE_HSTS_SECONDS": "0",
        "STATIC_ROOT": str(scratch / "static"),
        "MEDIA_ROOT": str(media_root()),
        "VAR_DIR": str(scratch / "var"),
        "LOG_LEVEL": "WARNING",
    }


def die(message: str) -> None:
    print(f"bench: {message}", file=sys.stderr)
    sys.exit(2)


def database_urls() -> tuple[str, str]:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        die("DATABASE_URL must point at a PostgreSQL server")
    parts = urlsplit(url)
    return (
        urlunsplit(parts._replace(path="/postgres")),
        urlunsplit(parts._replace(path=f"/{DB_NAME}")),
    )


def psql(admin_url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql)


def manage(env: dict[str, str], *args: str, code: str | None = None) -> str:
    command = [PY, "manage.py", *args]
    if code is not None:
        command = [PY, "manage.py", "shell", "-c", code]
    result = subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        print(result.stdout, result.stderr, file=sys.stderr)
        die(f"manage.py {' '.join(args) or 'shell'} failed")
    return result.stdout


class Gunicorn:
    """gunicorn with production settings: sync workers, no access log (as `make serve`)."""

    def __init__(
        self, env: dict[str, str], workers: int, app: str = "cms.wsgi", cwd: Path = BASE_DIR
    ) -> None:
        self.env, self.workers, self.port = env, workers, free_port()
        self.app, self.cwd = app, cwd
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                PY,
                "-m",
                "gunicorn",
                self.app,
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
            ],
            cwd=self.cwd,
            # One hash seed for every server: two processes with different seeds lay out their
            # dicts differently, one of the sources of a few percent between identical servers.
            env={"PYTHONHASHSEED": "0", **self.env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def ready() -> bool:
            if self.proc.poll() is not None:
                die(f"gunicorn {self.app} exited early")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_for(ready, timeout=60, interval=0.3, what="gunicorn")
        self.wait_settled()

    def wait_settled(self, timeout: float = 60.0) -> None:
        """Until the workers have booted: gunicorn's master accepts connections before its
        workers have imported Django and the project, and four workers booting take seconds of
        CPU. Measuring anything meanwhile (the bare ceiling was measured first after each phase's
        server started) measured the boot: 2,400 req/s for a ceiling that serves 4,600 settled.
        Settled = the process tree used under 2% of a CPU over half a second, with every worker
        up (the master plus `workers` processes)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = process_tree(self.proc.pid)
            before = cpu_seconds(pids)
            time.sleep(0.5)
            if len(pids) >= self.workers + 1 and cpu_seconds(pids) - before < 0.01:
                return
        print(f"   warning: gunicorn {self.app} still busy {timeout:.0f} s after starting")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


# Server CPU per request, from /proc: utime + stime of each process, in clock ticks.
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _stat_fields(pid: int) -> list[str] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()  # fields from the third (state) on


def process_tree(root: int) -> list[int]:
    """The process and all its descendants (gunicorn's master and workers), by parent pid."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat_fields(int(entry.name))):
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    pids, todo = [], [root]
    while todo:
        pid = todo.pop()
        pids.append(pid)
        todo.extend(children.get(pid, []))
    return pids


def database_backends(database: str) -> list[int]:
    """The PostgreSQL server processes serving connections to the bench database (persistent
    connections, so the same processes for a whole wrk run); empty if they are not readable."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if title.startswith("postgres: ") and f" {database} " in title:
            pids.append(int(entry.name))
    return pids


def cpu_seconds(pids: list[int]) -> float:
    """User plus system CPU time the processes have used so far (utime + stime)."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])  # fields 14 and 15 of /proc/<pid>/stat
    return total / CLOCK_TICKS


# A reader's browser: wrk and urllib send no or a library user agent, which page-view counting
# (insights) takes for a bot and skips, so without it counting on/off would measure nothing.
BROWSER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)"
    " Chrome/131.0 Safari/537.36"
)


def wrk(url: str, duration: int, connections: int, threads: int) -> dict[str, float]:
    result = subprocess.run(
        [
            *("wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"),
            *("-H", f"User-Agent: {BROWSER_AGENT}", url),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    out = result.stdout

    def latency(label: str) -> float:
        match = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "requests": requests,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    # A first request makes the page's image renditions: seconds on a busy machine.
    with urlopen(Request(url, headers={"User-Agent": BROWSER_AGENT}), timeout=120) as response:
        return response.status, dict(response.headers), response.read()


CHROME_NOTE = "Debian Chromium, all four categories, one run per page and form factor"


def lighthouse_scores(base: str) -> str:
    """The four Lighthouse categories of the public pages, desktop and mobile, as a table
    (scripts/lighthouse.py); performance is measured here, not asserted in a test."""
    if not (BASE_DIR / "node_modules" / ".bin" / "lighthouse").exists():
        return "   skipped: node_modules/.bin/lighthouse is missing (npm ci)"
    result = subprocess.run(
        [PY, str(BASE_DIR / "scripts" / "lighthouse.py"), base],
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        return f"   failed: {result.stderr.strip()[-500:]}"
    return result.stdout.rstrip() + ("\n" + result.stderr.rstrip() if result.stderr else "")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()
    return (
        f"{platform.system()} {platform.release()}, {os.cpu_count()} CPU ({cpu}), "
        f"load average {load[0]:.1f} at start, Python {platform.python_version()}"
    )


BARE = "ceiling: bare Django"
PING = "ceiling: /api/v2/ping/"
LISTING = "API listing, 20 articles, fields=*"
DETAIL = "API detail (article)"
ARTICLE = "article HTML"
FORM_ARTICLE = "article HTML with the form"
CONTACT = "contact HTML"
HOME = "home HTML"
# Issue 17's targets for a cache hit, as a share of the bare Django ceiling's req/s.
HIT_TARGETS = {LISTING: 0.75, DETAIL: 0.85, ARTICLE: 0.85, FORM_ARTICLE: 0.85, HOME: 0.85}
HIT_TARGETS[CONTACT] = 0.85
# The page-view counter (insights) is switched off by INSIGHTS_COUNTING=off: its cost is measured
# on these pages, each side on a gunicorn of its own started alone, in the order on, off, off, on.
# (With two servers up at once, the one started first served 5-8% fewer requests than the other
# even with identical settings: an artefact as large as the figure sought.)
COUNTED = (ARTICLE, HOME)
COUNTING_ORDER = ("on", "off", "off", "on")
SIDES = ("on", "off")
# (mode, environment of the project's gunicorn, the URLs measured)
PHASES = (
    ("cache hit", {"CONTENT_CACHE": "on"}, None),
    ("uncached", {"CONTENT_CACHE": "off"}, None),
)
FORM_MARK = b'class="consultation-form__form"'


def pick_pages(base: str) -> dict[str, str]:
    """Paths of the pages measured: an article without the consultation form (its API detail
    too), one with it (the seed article and its copies end with it), home and contact."""
    import json

    _, _, listing = fetch(f"{base}/api/v2/pages/?type=blog.BlogPage&fields=*&limit=20")
    items = json.loads(listing)["items"]
    plain = form = None
    for item in items[len(items) // 2 :] + items:
        path = urlsplit(item["meta"]["html_url"]).path
        has_form = FORM_MARK in fetch(base + path)[2]
        if has_form and form is None:
            form = path
        if not has_form and plain is None:
            plain = (item["id"], path)
    if plain is None or form is None:
        die("the demo content has no article without (or with) the consultation form")
    status, _, body = fetch(f"{base}/contact/")
    if status != 200 or FORM_MARK not in body:
        die("/contact/ does not show the consultation form")
    return {
        BARE: "",
        PING: "/api/v2/ping/",
        LISTING: "/api/v2/pages/?type=blog.BlogPage&fields=*&limit=20",
        DETAIL: f"/api/v2/pages/{plain[0]}/",
        ARTICLE: plain[1],
        FORM_ARTICLE: form,
        CONTACT: "/contact/",
        HOME: "/",
    }


def measure(
    url: str, args: argparse.Namespace, server: Gunicorn, extra: list[int]
) -> dict[str, float | str]:
    """One URL: warmed, 10 requests one at a time, then wrk, with the server's CPU time."""
    status, headers, body = fetch(url)  # warm: renditions, cache entry, connections
    status, headers, body = fetch(url)
    serial = []
    for _ in range(10):
        started = time.perf_counter()
        fetch(url)
        serial.append((time.perf_counter() - started) * 1000)
    app = process_tree(server.proc.pid)
    others = extra + database_backends(DB_NAME) if server.app == "cms.wsgi" else []
    app_before, others_before = cpu_seconds(app), cpu_seconds(others)
    figures: dict[str, float | str] = wrk(url, args.duration, args.connections, args.threads)
    requests = max(int(figures["requests"]), 1)
    figures["cpu"] = (cpu_seconds(app) - app_before) * 1000 / requests
    figures["cpu_all"] = figures["cpu"] + (cpu_seconds(others) - others_before) * 1000 / requests
    figures.update(
        status=status,
        bytes=len(body),
        serial=statistics.median(serial),
        x_cache=headers.get("X-Cache", "-"),
        cache_control=headers.get("Cache-Control", "-"),
    )
    return figures


def run_once(
    number: int,
    args: argparse.Namespace,
    env: dict[str, str],
    redis: RedisServer,
    pages: dict[str, str] | None,
) -> tuple[dict[str, dict[str, dict]], dict[str, str], str | None]:
    """One run: the bare ceiling and each phase's gunicorn, every URL measured once."""
    bare = Gunicorn(
        {**os.environ, "DJANGO_SETTINGS_MODULE": "bench_ceiling.settings", "SECRET_KEY": "x" * 60},
        args.workers,
        app="bench_ceiling.wsgi",
        cwd=BASE_DIR / "scripts",
    )
    bare.start()
    results: dict[str, dict[str, dict]] = {}
    lighthouse = None
    try:
        for mode, mode_env, labels in PHASES:
            server = Gunicorn({**env, **mode_env}, args.workers)
            server.start()
            try:
                if pages is None:
                    fetch(f"{server.url}/")
                    pages = pick_pages(server.url)
                    print(
                        "   pages: "
                        + ", ".join(f"{label} {path}" for label, path in pages.items() if path)
                    )
                print(
                    f"\n== run {number}, {mode} (gunicorn {args.workers} sync workers, wrk"
                    f" {args.threads} threads, {args.connections} connections,"
                    f" {args.duration} s per URL)"
                )
                results[mode] = {}
                for label in labels or pages:
                    if label == BARE:
                        url, target = f"{bare.url}/ping/", bare
                    else:
                        url, target = server.url + pages[label], server
                    figures = measure(url, args, target, [redis.proc.pid])
                    results[mode][label] = figures
                    print(
                        f"   {label}: {figures['rps']:.0f} req/s  {figures['cpu']:.2f} ms CPU"
                        f" per request  status {figures['status']}  X-Cache {figures['x_cache']}"
                        f"  Cache-Control {figures['cache_control']}  {figures['bytes']} bytes"
                        f"  errors {figures['errors']}"
                    )
                if number == 1 and mode == "cache hit" and not args.no_lighthouse:
                    lighthouse = lighthouse_scores(server.url)
            finally:
                server.stop()
    finally:
        bare.stop()
    results["counting"] = measure_counting(number, args, env, redis, pages)
    return results, pages, lighthouse


def measure_counting(
    number: int, args: argparse.Namespace, env: dict[str, str], redis: RedisServer, pages
) -> dict[str, dict[str, dict[str, list[dict]]]]:
    """{mode: {label: {"on": [figures, figures], "off": [...]}}}: counting on and off, each
    measurement on a gunicorn started for it alone, in the order COUNTING_ORDER."""
    counting: dict[str, dict[str, dict[str, list[dict]]]] = {}
    for mode, mode_env, _ in PHASES:
        print(
            f"\n== run {number}, {mode}, page-view counting on and off (a server of its own for"
            f" each, in the order {', '.join(COUNTING_ORDER)})"
        )
        counting[mode] = {label: {"on": [], "off": []} for label in COUNTED}
        for side in COUNTING_ORDER:
            flag = {"INSIGHTS_COUNTING": side}
            server = Gunicorn({**env, **mode_env, **flag}, args.workers)
            server.start()
            try:
                for label in COUNTED:
                    figures = measure(server.url + pages[label], args, server, [redis.proc.pid])
                    counting[mode][label][side].append(figures)
            finally:
                server.stop()
        for label in COUNTED:
            sides = counting[mode][label]
            print(
                f"   {label}: on "
                + ", ".join(f"{f['rps']:.0f}" for f in sides["on"])
                + " req/s, off "
                + ", ".join(f"{f['rps']:.0f}" for f in sides["off"])
                + " req/s"
            )
    return counting


def print_run(number: int, results: dict[str, dict[str, dict]]) -> None:
    print(
        f"\nRun {number}:\n\n| mode | URL | req/s | ratio to bare Django | ratio to ping | target"
        " | CPU ms/req | with PostgreSQL + Redis | p50 ms | p99 ms | one at a time ms | X-Cache"
        " | body bytes |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for mode, rows in results.items():
        if BARE not in rows:
            continue
        bare, ping = rows[BARE]["rps"], rows[PING]["rps"]
        for label, f in rows.items():
            target = HIT_TARGETS.get(label, "") if mode == "cache hit" else ""
            print(
                f"| {mode} | {label} | {f['rps']:.0f} | {f['rps'] / bare:.3f}"
                f" | {f['rps'] / ping:.3f} | {target} | {f['cpu']:.2f} | {f['cpu_all']:.2f}"
                f" | {f['p50']:.2f} | {f['p99']:.2f} | {f['serial']:.1f} | {f['x_cache']}"
                f" | {f['bytes']} |"
            )


def print_summary(runs: list[dict[str, dict[str, dict]]]) -> None:
    """Every run side by side: req/s, the ratio to the bare Django ceiling, CPU ms/request;
    then the page-view counter's cost (counting on against off, same run)."""
    n = len(runs)
    heading = " | ".join(f"run {i} req/s (bare, ping) | run {i} CPU ms" for i in range(1, n + 1))
    print(f"\nAll runs:\n\n| mode | URL | {heading} | target (bare) |")
    print("|---|---|" + "---:|---:|" * n + "---:|")
    for mode in ("cache hit", "uncached"):
        for label in runs[0][mode]:
            cells = []
            for results in runs:
                rows = results[mode]
                f = rows[label]
                cells.append(
                    f"{f['rps']:.0f} ({f['rps'] / rows[BARE]['rps']:.3f},"
                    f" {f['rps'] / rows[PING]['rps']:.3f}) | {f['cpu']:.2f}"
                )
            target = HIT_TARGETS.get(label, "") if mode == "cache hit" else ""
            print(f"| {mode} | {label} | {' | '.join(cells)} | {target} |")
    print(
        "\nPage-view counting (INSIGHTS_COUNTING=off against the default, same run, a server"
        f" started alone for each, in the order {', '.join(COUNTING_ORDER)}; each side the mean"
        " of its two):\n"
    )
    print("| mode | URL | run | on req/s | off req/s | change | on CPU ms | off CPU ms | change |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for mode in ("cache hit", "uncached"):
        for label in COUNTED:
            rows = []
            for i, results in enumerate(runs, 1):
                sides = results["counting"][mode][label]
                rows.append((str(i), *(statistics.mean(f["rps"] for f in sides[k]) for k in SIDES)))
                rows[-1] += tuple(statistics.mean(f["cpu"] for f in sides[k]) for k in SIDES)
            if len(runs) > 1:
                # Servers of identical settings differ by a few percent: the mean over the runs
                # (2 x runs servers a side) is the figure; single runs show the spread.
                rows.append(
                    ("all", *(statistics.mean(row[k] for row in rows) for k in (1, 2, 3, 4)))
                )
            for run, on_rps, off_rps, on_cpu, off_cpu in rows:
                print(
                    f"| {mode} | {label} | {run} | {on_rps:.0f} | {off_rps:.0f}"
                    f" | {(on_rps / off_rps - 1) * 100:+.1f}% | {on_cpu:.2f}"
                    f" | {off_cpu:.2f} | {(on_cpu / off_cpu - 1) * 100:+.1f}% |"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3, help="runs after one setup")
    parser.add_argument("--duration", type=int, default=5, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    parser.add_argument("--reuse", action="store_true", help="use the database --keep left")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        die("wrk is not installed. On Debian: apt-get install -y wrk (bench is not part of CI).")
    if shutil.which("redis-server") is None:
        die("redis-server is not installed (apt-get install -y redis-server).")

    admin_url, db_url = database_urls()
    print(f"== machine: {machine()}")
    if not args.reuse:
        psql(admin_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        psql(admin_url, f"CREATE DATABASE {DB_NAME}")
        shutil.rmtree(media_root(), ignore_errors=True)
    redis = RedisServer()
    redis.start()
    scratch = Path(tempfile.mkdtemp(prefix="bench-api-"))
    try:
        env = {**os.environ, **production_env(db_url, redis.url, scratch)}
        if args.reuse:
            manage(env, "collectstatic", "--noinput", "-v0")
        else:
            print("== preparing: migrate, demo content, collectstatic")
            manage(env, "migrate", "--noinput", "-v0")
            manage(env, "load_demo_content")
            manage(env, "collectstatic", "--noinput", "-v0")
            print(f"== multiplying articles to {args.articles}")
            print("  ", manage(env, code=MULTIPLY.format(articles=args.articles)).strip())

        runs, pages, lighthouse = [], None, None
        for number in range(1, args.runs + 1):
            print(f"\n== run {number} of {args.runs}: load average {os.getloadavg()[0]:.1f}")
            results, pages, first_lighthouse = run_once(number, args, env, redis, pages)
            lighthouse = lighthouse or first_lighthouse
            runs.append(results)
        print(
            "\nCPU ms/req: user + system CPU of gunicorn's master and workers (/proc/<pid>/stat)"
            " per request wrk completed; 'with PostgreSQL + Redis' adds the bench database's"
            " server processes and the private redis-server."
        )
        for number, results in enumerate(runs, 1):
            print_run(number, results)
        print_summary(runs)
        if lighthouse is not None:
            print(f"\n== Lighthouse (run 1, cache hit, {CHROME_NOTE})\n{lighthouse}")
    finally:
        redis.stop()
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.keep:
            time.sleep(0.5)
            psql(admin_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
            shutil.rmtree(media_root(), ignore_errors=True)


if __name__ == "__main__":
    main()
