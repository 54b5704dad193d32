#!/usr/bin/env python
"""Profile uncached responses in-process, with production settings, against the bench database.

Run `scripts/bench.py --keep` once (it leaves the database `bench_api`, or $BENCH_DB, with 200
articles and its media), then:

    .venv/bin/python scripts/profile_url.py /api/v2/pages/<id>/ [--repeat 50] [--top 40]

Prints the median time per request, the SQL queries of one request and a cProfile of `--repeat`
requests. The content cache is off (`CONTENT_CACHE=off`), as in the bench's "uncached" mode; the
Django cache is a private redis-server, as in production.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from scripts.bench import DB_NAME, production_env  # noqa: E402
from tests.services import RedisServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--queries", action="store_true", help="print each SQL query")
    parser.add_argument("--callees", help="also print what functions matching this call")
    parser.add_argument("--callers", help="also print what calls functions matching this")
    parser.add_argument("--save", help="write each URL's body to this folder (to diff two trees)")
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    database = urlunsplit(urlsplit(server)._replace(path=f"/{DB_NAME}"))
    redis = RedisServer()
    redis.start()
    try:
        scratch = Path(tempfile.mkdtemp(prefix="profile-url-"))
        # As the bench's "uncached" server: its settings, the content cache off.
        os.environ.update({**production_env(database, redis.url, scratch), "CONTENT_CACHE": "off"})
        import django
        from django.core.management import call_command

        django.setup()
        call_command("collectstatic", "--noinput", verbosity=0)  # the manifest templates read
        from django.db import connection
        from django.test import Client

        client = Client(HTTP_HOST="127.0.0.1")
        for url in args.urls:
            for _ in range(3):  # warm: renditions, caches, connection
                response = client.get(url)
                if response.status_code != 200:
                    raise SystemExit(f"{url}: status {response.status_code}")
            queries: list[str] = []

            def log(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(log):
                client.get(url)
            times, cpu = [], []
            for _ in range(args.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                client.get(url)
                cpu.append((time.process_time() - started_cpu) * 1000)
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"\n== {url}: median {statistics.median(times):.1f} ms "
                f"({statistics.median(cpu):.1f} ms CPU), "
                f"{len(queries)} queries, {len(response.content)} bytes"
            )
            if args.save:
                folder = Path(args.save)
                folder.mkdir(parents=True, exist_ok=True)
                name = url.strip("/").replace("/", "_") or "root"
                (folder / f"{name}.out").write_bytes(response.content)
            if args.queries:
                for sql in queries:
                    print(f"  {sql[:400]}")
            profile = cProfile.Profile()
            profile.enable()
            for _ in range(args.repeat):
                client.get(url)
            profile.disable()
            stats = pstats.Stats(profile).sort_stats(args.sort)
            stats.print_stats(args.top)
            if args.callees:
                stats.print_callees(args.callees)
            if args.callers:
                stats.print_callers(args.callers)
    finally:
        redis.stop()


if __name__ == "__main__":
    main()
