#!/usr/bin/env python
"""`make bench`: API and HTML throughput against the production server, as ratios to a ceiling.

Builds a throw-away PostgreSQL database with the demo content multiplied to --articles articles,
starts a private redis-server (the Django cache) and gunicorn with production settings (DEBUG off),
and measures with wrk for a fixed duration per URL: the API listing of 20 articles with
`fields=*`, an article's API detail, the article HTML, the home HTML and `/api/v2/ping/` (a
constant JSON answer from the same server: the ceiling). It runs twice: with the content cache
(warm: cache hits) and with it switched off (every response built anew). With the cache on, it
also prints the Lighthouse scores (performance, accessibility, best practices, SEO) of the four
public pages, desktop and mobile (scripts/lighthouse.py; needs `npm ci`). `make bench` runs the
lead intake benchmark (scripts/bench_leads.py) after it.

Needs wrk (Debian: apt-get install -y wrk) and DATABASE_URL pointing at a PostgreSQL server; the
database `bench_api` is created and dropped there.

    .venv/bin/python scripts/bench.py [--articles 200] [--duration 10] [--connections 8]
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit
from urllib.request import urlopen

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from tests.services import RedisServer, free_port, wait_for  # noqa: E402

PY = str(BASE_DIR / ".venv" / "bin" / "python")
DB_NAME = "bench_api"

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
        "MEDIA_ROOT": str(scratch / "media"),
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

    def __init__(self, env: dict[str, str], workers: int) -> None:
        self.env, self.workers, self.port = env, workers, free_port()
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
                "cms.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "60",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

        def ready() -> bool:
            if self.proc.poll() is not None:
                die("gunicorn exited early")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return True
            except OSError:
                return False

        wait_for(ready, timeout=60, interval=0.3, what="gunicorn")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)


def wrk(url: str, duration: int, connections: int, threads: int) -> dict[str, float]:
    result = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url],
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
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p50": latency("50"),
        "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
    }


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urlopen(url, timeout=30) as response:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10, help="seconds per URL")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 4)))
    parser.add_argument("--keep", action="store_true", help="keep the bench database")
    args = parser.parse_args()

    if shutil.which("wrk") is None:
        die("wrk is not installed. On Debian: apt-get install -y wrk (bench is not part of CI).")
    if shutil.which("redis-server") is None:
        die("redis-server is not installed (apt-get install -y redis-server).")

    admin_url, db_url = database_urls()
    print(f"== machine: {machine()}")
    psql(admin_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    psql(admin_url, f"CREATE DATABASE {DB_NAME}")
    redis = RedisServer()
    redis.start()
    scratch = Path(tempfile.mkdtemp(prefix="bench-api-"))
    servers: list[Gunicorn] = []
    try:
        env = {**os.environ, **production_env(db_url, redis.url, scratch)}
        print("== preparing: migrate, demo content, collectstatic")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo_content")
        manage(env, "collectstatic", "--noinput", "-v0")
        print(f"== multiplying articles to {args.articles}")
        print("  ", manage(env, code=MULTIPLY.format(articles=args.articles)).strip())

        results: dict[str, dict[str, dict[str, float]]] = {}
        for mode, cache_on in (("cache hit", True), ("uncached", False)):
            server = Gunicorn({**env, "CONTENT_CACHE": "on" if cache_on else "off"}, args.workers)
            servers.append(server)
            server.start()
            base = server.url
            _, _, listing = fetch(f"{base}/api/v2/pages/?type=blog.BlogPage&fields=*&limit=20")
            import json

            items = json.loads(listing)["items"]
            # An article whose HTML may be shared (one with the consultation form carries a
            # CSRF token and is never cached): the HTML cache-hit figure needs one.
            article = next(
                item
                for item in items[len(items) // 2 :] + items
                if "public"
                in fetch(base + urlsplit(item["meta"]["html_url"]).path)[1].get("Cache-Control", "")
            )
            urls = {
                "ceiling: /api/v2/ping/": f"{base}/api/v2/ping/",
                "API listing, 20 articles, fields=*": (
                    f"{base}/api/v2/pages/?type=blog.BlogPage&fields=*&limit=20"
                ),
                "API detail (article)": f"{base}/api/v2/pages/{article['id']}/",
                "article HTML": base + urlsplit(article["meta"]["html_url"]).path,
                "home HTML": f"{base}/",
            }
            print(
                f"\n== {mode} (gunicorn {args.workers} sync workers, wrk {args.threads} threads,"
                f" {args.connections} connections, {args.duration} s per URL)"
            )
            results[mode] = {}
            for label, url in urls.items():
                status, headers, body = fetch(url)  # warm: renditions, cache entry
                fetch(url)
                x_cache = headers.get("X-Cache", "-")
                serial = []
                for _ in range(10):
                    started = time.perf_counter()
                    fetch(url)
                    serial.append((time.perf_counter() - started) * 1000)
                figures = wrk(url, args.duration, args.connections, args.threads)
                figures["bytes"] = len(body)
                figures["serial"] = sorted(serial)[len(serial) // 2]
                results[mode][label] = figures
                print(
                    f"   {label}: {figures['rps']:.0f} req/s  status {status}  "
                    f"X-Cache {x_cache}  {len(body)} bytes  errors {figures['errors']}"
                )
            if cache_on:
                lighthouse = lighthouse_scores(base)
            server.stop()

        print(
            "\n| mode | URL | req/s | ratio to ceiling | p50 ms | p99 ms | one at a time ms "
            "| body bytes |"
        )
        print("|---|---|---:|---:|---:|---:|---:|---:|")
        for mode, rows in results.items():
            ceiling = rows["ceiling: /api/v2/ping/"]["rps"]
            for label, figures in rows.items():
                print(
                    f"| {mode} | {label} | {figures['rps']:.0f} | {figures['rps'] / ceiling:.3f}"
                    f" | {figures['p50']:.2f} | {figures['p99']:.2f} | {figures['serial']:.1f}"
                    f" | {figures['bytes']} |"
                )
        print(f"\n== Lighthouse (cache hit, {CHROME_NOTE})\n{lighthouse}")
    finally:
        for server in servers:
            server.stop()
        redis.stop()
        shutil.rmtree(scratch, ignore_errors=True)
        if not args.keep:
            time.sleep(0.5)
            psql(admin_url, f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")


if __name__ == "__main__":
    main()
