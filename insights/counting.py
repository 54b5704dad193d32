"""Counting a page view or a CTA click: one Redis round trip, never who, never a database write.

A count is kept in this process first (no I/O on the request); a thread moves the counts to one
Redis hash per day (`insights:day:YYYY-MM-DD`) every INSIGHTS_PUSH_SECONDS, one field per thing
counted, with HINCRBY in one pipelined round trip. A field names only
what was seen, as JSON: a page view by its host and path (resolved to a page when flushed, so a
content-cache hit, which never reaches the page, counts too), or by page id (the beacon), its
referrer kind and UTM source; a click by page id, CTA block id and action. No address, user agent,
cookie or visitor id is ever part of a key or a field.

Without a Redis cache (development on locmem) the counts wait in this process until the flush.
A Redis that fails is skipped through the cache's own circuit breaker
(cms.serving.resilient_cache): the counts wait in the process (up to MAX_WAITING_FIELDS) and
the page is never slowed.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import threading
import time
from collections import Counter
from datetime import date
from functools import lru_cache
from urllib.parse import urlsplit

from crawlerdetect import CrawlerDetect
from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.http import HttpRequest
from django.utils import timezone

logger = logging.getLogger(__name__)

DAY_PREFIX = "insights:day:"
FLUSHING_PREFIX = "insights:flushing:"
# A day's hash outlives any flush interval by far; it only expires if no flush ever runs.
DAY_KEY_TIMEOUT = 40 * 24 * 3600

VIEW, PAGE_VIEW, CLICK = "v", "p", "c"

SEARCH, SOCIAL, DIRECT, INTERNAL, OTHER, CAMPAIGN = (
    "search",
    "social",
    "direct",
    "internal",
    "other",
    "campaign",
)
KINDS = (SEARCH, SOCIAL, DIRECT, INTERNAL, OTHER, CAMPAIGN)

SEARCH_HOSTS = (
    "google.",
    "bing.com",
    "duckduckgo.com",
    "search.yahoo.",
    "yandex.",
    "baidu.com",
    "ecosia.org",
    "startpage.com",
    "search.brave.com",
    "qwant.com",
    "kagi.com",
)
SOCIAL_HOSTS = (
    "facebook.com",
    "fb.me",
    "instagram.com",
    "t.co",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "lnkd.in",
    "pinterest.",
    "reddit.com",
    "tiktok.com",
    "youtube.com",
    "threads.net",
    "bsky.app",
    "nextdoor.com",
)
UTM_MAX = 50
PATH_MAX = 300
CTA_MAX = 64
ACTIONS = ("call", "booking", "form", "page")


# Who is not counted ---------------------------------------------------------------------------


_detector = CrawlerDetect()
_detector_lock = threading.Lock()


@lru_cache(maxsize=4096)
def is_bot(user_agent: str) -> bool:
    """Known bots, crawlers, link previewers and headless browsers (crawlerdetect); no user
    agent at all counts as a bot. Cached: the same few browsers ask again and again."""
    if not user_agent.strip():
        return True
    with _detector_lock:  # the detector keeps the last match on itself
        return bool(_detector.isCrawler(user_agent))


def opted_out(request: HttpRequest) -> bool:
    """Do Not Track or Global Privacy Control: the visitor asked not to be counted."""
    meta = request.META
    return meta.get("HTTP_DNT") == "1" or meta.get("HTTP_SEC_GPC") == "1"


def countable_visitor(request: HttpRequest) -> bool:
    return not opted_out(request) and not is_bot(request.META.get("HTTP_USER_AGENT", "")[:512])


# What is counted ------------------------------------------------------------------------------


def _host_matches(host: str, patterns: tuple[str, ...]) -> bool:
    host = host.removeprefix("www.").removeprefix("m.").removeprefix("l.")
    for pattern in patterns:
        if pattern.endswith("."):
            if host.startswith(pattern) or f".{pattern}" in f".{host}":
                return True
        elif host == pattern or host.endswith(f".{pattern}"):
            return True
    return False


def clean_utm(value: str) -> str:
    """A UTM source as a short lower-case word: printable, at most UTM_MAX characters."""
    value = "".join(char for char in value.strip().lower() if char.isprintable())
    return value[:UTM_MAX]


def referrer_kind(request: HttpRequest, own_host: str) -> tuple[str, str]:
    """(kind, utm source) of a page view: a campaign link first, else where the Referer points."""
    meta = request.META
    if "utm_" in meta.get("QUERY_STRING", ""):
        query = request.GET
        utm = clean_utm(query.get("utm_source", ""))
        if utm or query.get("utm_medium") or query.get("utm_campaign"):
            return CAMPAIGN, utm
    referer = meta.get("HTTP_REFERER", "")
    if not referer:
        return DIRECT, ""
    try:
        host = (urlsplit(referer).hostname or "").lower()
    except ValueError:
        return OTHER, ""
    if not host:
        return DIRECT, ""
    if host == own_host.split(":")[0]:
        return INTERNAL, ""
    if _host_matches(host, SEARCH_HOSTS):
        return SEARCH, ""
    if _host_matches(host, SOCIAL_HOSTS):
        return SOCIAL, ""
    return OTHER, ""


@lru_cache(maxsize=4096)
def view_field(host: str, path: str, kind: str, utm: str) -> str:
    """Cached: the same pages are counted again and again (a bounded cache of short strings)."""
    return json.dumps([VIEW, host[:255], path[:PATH_MAX], kind, utm], ensure_ascii=False)


def page_view_field(page_id: int) -> str:
    return json.dumps([PAGE_VIEW, page_id, "", ""])


def click_field(page_id: int, cta: str, action: str) -> str:
    return json.dumps([CLICK, page_id, cta[:CTA_MAX], action])


# Where counts wait --------------------------------------------------------------------------


# Counts made in this process and not yet in Redis: {day: Counter(field -> n)}.
_local: dict[str, Counter] = {}
_local_lock = threading.Lock()
_pusher_pid: int | None = None
# Distinct fields kept while Redis is down; past this, the oldest counts are dropped.
MAX_WAITING_FIELDS = 50_000


def redis_cache() -> RedisCache | None:
    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def day_key(day: date) -> str:
    return f"{DAY_PREFIX}{day.isoformat()}"


_today: list = ["", 0.0]


def today_name() -> str:
    """Today in the practice's time zone, worked out at most once a second."""
    now = time.monotonic()
    if now >= _today[1]:
        _today[0], _today[1] = timezone.localdate().isoformat(), now + 1.0
    return _today[0]


def increment(field: str, day: date | None = None) -> None:
    """Count one, in this process: no I/O. `push()` (a thread, every INSIGHTS_PUSH_SECONDS)
    moves the counts to Redis in one pipelined round trip."""
    day_name = day.isoformat() if day else today_name()
    with _local_lock:
        _local.setdefault(day_name, Counter())[field] += 1
    if _pusher_pid != os.getpid():
        _start_pusher()


def _start_pusher() -> None:
    global _pusher_pid
    interval = float(getattr(settings, "INSIGHTS_PUSH_SECONDS", 1.0))
    with _local_lock:
        if _pusher_pid == os.getpid() or interval <= 0:
            return
        _pusher_pid = os.getpid()

    def run() -> None:
        while True:
            seconds = float(getattr(settings, "INSIGHTS_PUSH_SECONDS", 1.0))
            time.sleep(seconds if seconds > 0 else 0.5)
            if seconds <= 0:
                continue  # switched off (tests push explicitly)
            _push_quietly()  # never lets the thread die

    threading.Thread(target=run, name="insights-push", daemon=True).start()
    atexit.register(_push_quietly)  # a worker that stops gracefully hands over its last second


def _push_quietly() -> None:
    try:
        push()
    except Exception:
        logger.exception("insights: counts not pushed")


def _put_back(taken: dict[str, Counter]) -> None:
    with _local_lock:
        for day, counts in taken.items():
            _local.setdefault(day, Counter()).update(counts)
        while sum(len(counts) for counts in _local.values()) > MAX_WAITING_FIELDS and _local:
            _local.pop(min(_local))


def push() -> bool:
    """Move this process's counts to the day hashes in Redis (HINCRBY, one pipeline); True when
    done. A failing Redis is skipped through the cache's breaker and the counts wait here."""
    backend = redis_cache()
    if backend is None:
        return True  # no Redis: the counts wait here for the flush of this process
    with _local_lock:
        taken = dict(_local)
        _local.clear()
    if not taken:
        return True
    available = getattr(backend, "available", None)
    if available is not None and not available():
        _put_back(taken)
        return False
    try:
        client = backend._cache.get_client(write=True)
        pipe = client.pipeline(transaction=False)
        for day, counts in taken.items():
            key = backend.make_key(f"{DAY_PREFIX}{day}")
            for field, number in counts.items():
                pipe.hincrby(key, field, number)
            pipe.expire(key, DAY_KEY_TIMEOUT)
        pipe.execute()
    except Exception as exc:
        _put_back(taken)
        failed = getattr(backend, "_failed", None)
        if failed is not None:
            failed("insights push", exc)
        else:
            logger.warning("Counts not pushed: the cache failed (%s).", type(exc).__name__)
        return False
    return True


def take_local() -> dict[str, Counter]:
    """The counts waiting in this process, emptied."""
    with _local_lock:
        taken = dict(_local)
        _local.clear()
    return taken


def count_request(request: HttpRequest) -> None:
    """Count a served page for this request (the middleware decided it is a public page)."""
    # The host was validated against ALLOWED_HOSTS before this page was served.
    meta = request.META
    host = (meta.get("HTTP_HOST") or meta.get("SERVER_NAME", "")).lower()
    kind, utm = referrer_kind(request, host)
    increment(view_field(host, request.path, kind, utm))


def counting_enabled() -> bool:
    return settings.INSIGHTS_COUNTING
