"""The site serves without its cache: a stopped or frozen cache Redis is a miss, never a 500.

Real processes: a private redis-server as the cache (the machine's Redis stays the broker) and
gunicorn serving the demo content. Every public page, the API, the form page and the thanks page
answer 200 while the cache is down, a frozen cache costs each server process one timeout and no
request after it (compared with a stopped cache on the same server and machine, not with a fixed
figure: under load every uncached page is slower, outage or not), and the cache is used again once
it answers, without restarting anything.
"""

from __future__ import annotations

import statistics
import time
from http.client import HTTPConnection

import pytest
from django.core.management import call_command
from wagtail.models import Page

from tests.api.factories import ensure_tree_roots
from tests.services import wait_for

pytestmark = [pytest.mark.redis, pytest.mark.faults, pytest.mark.django_db(transaction=True)]

ROUNDS = 4


def fetch(base_url: str, path: str) -> tuple[int, float, str]:
    """(status, seconds, X-Cache header) of a GET without cookies."""
    host, port = base_url.removeprefix("http://").split(":")
    started = time.monotonic()
    connection = HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1"})
        response = connection.getresponse()
        response.read()
        status, cached = response.status, response.getheader("X-Cache", "")
    finally:
        connection.close()
    return status, time.monotonic() - started, cached


def get(base_url: str, path: str) -> tuple[int, float]:
    status, seconds, _ = fetch(base_url, path)
    return status, seconds


@pytest.fixture
def public_paths(transactional_db) -> list[str]:
    ensure_tree_roots()
    call_command("load_demo_content", verbosity=0)
    pages = [page for page in Page.objects.live().specific() if page.depth > 1 and page.url]
    article = next(page for page in pages if page._meta.model_name == "blogpage")
    return [
        *sorted({page.url for page in pages}),
        "/search/?q=trauma",
        "/sitemap.xml",
        "/blog/feed/",
        "/robots.txt",
        "/api/v2/pages/",
        "/api/v2/pages/?type=blog.BlogPage&fields=*",
        f"/api/v2/pages/{article.pk}/",
        "/api/v2/practice/",
        "/api/v2/ctas/",
        "/api/v2/authors/",
        "/consultation/",
        "/consultation/thanks/",
    ]


def outage_round(web, paths: list[str]) -> dict[str, list[float]]:
    """ROUNDS passes over every path; each path's statuses and times."""
    answers: dict[str, list[tuple[int, float]]] = {path: [] for path in paths}
    for _ in range(ROUNDS):
        for path in paths:
            answers[path].append(get(web.url, path))
    return answers


def served_through(web, paths: list[str], begin, end) -> dict[str, list[float]]:
    """Every path served and stored while the cache is up, then ROUNDS passes over them between
    `begin()` and `end()` of an outage; back in service (hits) before returning."""
    for path in paths:
        assert get(web.url, path)[0] == 200, path
    begin()
    try:
        answers = outage_round(web, paths)
    finally:
        end()
    wait_for_hits(web)
    return answers


def wait_for_hits(web) -> None:
    """Back in service without a restart: a background probe finds the cache answering again."""
    wait_for(lambda: fetch(web.url, "/api/v2/practice/")[2] == "hit", timeout=30, what="cache hits")


def test_every_public_page_answers_while_the_cache_is_stopped_or_frozen(
    redis_server, start_web, public_paths, fault_report
):
    """Stopped, then frozen, against one server. A stopped Redis refuses at once; a frozen one
    accepts and never answers, so each server process pays one socket timeout (100 ms) and then
    skips Redis like a stopped one. So per path, serving with the cache frozen takes no longer
    than with it stopped (median of the rounds; a timeout on every request would add 100 ms),
    whatever the machine's load, and no request waits on Redis twice over."""
    web = start_web(CACHE_URL=redis_server.url)
    stopped = served_through(web, public_paths, redis_server.stop, redis_server.start)
    frozen = served_through(web, public_paths, redis_server.freeze, redis_server.thaw)

    def failures(answers):
        return [(path, code) for path, seen in answers.items() for code, _ in seen if code != 200]

    def median(seen) -> float:
        return statistics.median(seconds for _, seconds in seen)

    slower = {
        path: round((median(frozen[path]) - median(stopped[path])) * 1000, 1)
        for path in public_paths
    }
    all_frozen = sorted(seconds for seen in frozen.values() for _, seconds in seen)
    all_stopped = sorted(seconds for seen in stopped.values() for _, seconds in seen)
    fault_report(
        requests=len(all_frozen) + len(all_stopped),
        non_200=len(failures(stopped)) + len(failures(frozen)),
        p50_ms_stopped=round(all_stopped[len(all_stopped) // 2] * 1000, 1),
        p50_ms_frozen=round(all_frozen[len(all_frozen) // 2] * 1000, 1),
        slowest_ms_stopped=round(all_stopped[-1] * 1000, 1),
        slowest_ms_frozen=[round(seconds * 1000, 1) for seconds in all_frozen[-web.workers - 1 :]],
        most_slower_path_ms=max(slower.values()),
    )
    assert failures(stopped) == []
    assert failures(frozen) == []
    # A path that paid the timeout on most requests would be ~100 ms slower.
    assert {path: ms for path, ms in slower.items() if ms >= 60} == {}
    # Beyond one timeout per process (the request in flight when Redis froze), no request waited
    # on Redis: with a 100 ms socket timeout, one that waited on every cache read would take
    # several timeouts on top of its page.
    assert all_frozen[-web.workers - 1] < all_stopped[-1] + 0.1, (all_frozen[-5:], all_stopped[-5:])


def test_a_cache_restarted_between_requests_is_used_at_once(redis_server, start_web):
    """Each process keeps a connection for the version it reads on every request; a Redis that
    restarted (or closed an idle connection) since the last request costs a reconnection, not
    the breaker's pause: the next two requests store a response and hit it."""
    ensure_tree_roots()
    call_command("load_demo_content", verbosity=0)
    web = start_web(CACHE_URL=redis_server.url)
    wait_for(lambda: fetch(web.url, "/api/v2/practice/")[2] == "hit", timeout=30, what="hits")
    redis_server.stop()
    redis_server.start()  # empty, and every kept connection is closed
    # Each of the server's processes meets the closed connection in turn.
    answers = [fetch(web.url, "/api/v2/practice/")[2] for _ in range(2 * web.workers + 2)]
    assert answers[-1] == "hit", answers
    assert "" not in answers, answers  # no answer without the cache (the breaker open)
