"""Counting a page view or a CTA click: one Redis round trip, never who, never a database write.

Counts go into one Redis hash per day (`insights:day:YYYY-MM-DD`), one field per thing counted,
incremented with HINCRBY (pipelined with the key's expiry: one round trip). A field names only
what was seen, as JSON: a page view by its host and path (resolved to a page when flushed, so a
content-cache hit, which never reaches the page, counts too), or by page id (the beacon), its
referrer kind and UTM source; a click by page id, CTA block id and action. No address, user agent,
cookie or visitor id is ever part of a key or a field.

Without a Redis cache (development on locmem) the counts wait in this process until the flush.
A Redis that fails is skipped through the cache's own circuit breaker
(cms.serving.resilient_cache): the view is not counted and the page is not slowed.
"""

from __future__ import annotations

import json
import logging
import threading
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
        return bool(_detector.isCrawler(user_agent[:512]))


def opted_out(request: HttpRequest) -> bool:
    """Do Not Track or Global Privacy Control: the visitor asked not to be counted."""
    return request.headers.get("DNT") == "1" or request.headers.get("Sec-GPC") == "1"


def countable_visitor(request: HttpRequest) -> bool:
    return not opted_out(request) and not is_bot(request.headers.get("User-Agent", ""))


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


def referrer_kind(request: HttpRequest) -> tuple[str, str]:
    """(kind, utm source) of a page view: a campaign link first, else where the Referer points."""
    query = request.GET
    utm = clean_utm(query.get("utm_source", ""))
    if utm or query.get("utm_medium") or query.get("utm_campaign"):
        return CAMPAIGN, utm
    referer = request.headers.get("Referer", "")
    if not referer:
        return DIRECT, ""
    try:
        host = (urlsplit(referer).hostname or "").lower()
    except ValueError:
        return OTHER, ""
    if not host:
        return DIRECT, ""
    own = request.get_host().split(":")[0].lower()
    if host == own:
        return INTERNAL, ""
    if _host_matches(host, SEARCH_HOSTS):
        return SEARCH, ""
    if _host_matches(host, SOCIAL_HOSTS):
        return SOCIAL, ""
    return OTHER, ""


def view_field(host: str, path: str, kind: str, utm: str) -> str:
    return json.dumps([VIEW, host[:255], path[:PATH_MAX], kind, utm], ensure_ascii=False)


def page_view_field(page_id: int) -> str:
    return json.dumps([PAGE_VIEW, page_id, "", ""])


def click_field(page_id: int, cta: str, action: str) -> str:
    return json.dumps([CLICK, page_id, cta[:CTA_MAX], action])


# Where counts wait --------------------------------------------------------------------------


_local: dict[str, Counter] = {}
_local_lock = threading.Lock()


def redis_cache() -> RedisCache | None:
    backend = caches["default"]
    return backend if isinstance(backend, RedisCache) else None


def day_key(day: date) -> str:
    return f"{DAY_PREFIX}{day.isoformat()}"


def increment(field: str, day: date | None = None) -> bool:
    """Count one; True when counted. Never raises: a failed cache loses this count only."""
    day = day or timezone.localdate()
    backend = redis_cache()
    if backend is None:
        with _local_lock:
            _local.setdefault(day.isoformat(), Counter())[field] += 1
        return True
    available = getattr(backend, "available", None)
    if available is not None and not available():
        return False
    key = backend.make_key(day_key(day))
    try:
        client = backend._cache.get_client(key, write=True)
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(key, field, 1)
        pipe.expire(key, DAY_KEY_TIMEOUT)
        pipe.execute()
    except Exception as exc:
        failed = getattr(backend, "_failed", None)
        if failed is not None:
            failed("insights count", exc)  # the breaker: skipped for the next few seconds
        else:
            logger.warning("Page view not counted: the cache failed (%s).", type(exc).__name__)
        return False
    return True


def take_local() -> dict[str, Counter]:
    """The counts waiting in this process (no Redis cache), emptied."""
    with _local_lock:
        taken = dict(_local)
        _local.clear()
    return taken


def count_request(request: HttpRequest) -> bool:
    """Count a served page for this request (the middleware decided it is a public page)."""
    kind, utm = referrer_kind(request)
    return increment(view_field(request.get_host(), request.path, kind, utm))


def counting_enabled() -> bool:
    return bool(getattr(settings, "INSIGHTS_COUNTING", True))
