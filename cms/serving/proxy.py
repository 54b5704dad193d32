"""The client's address behind TRUSTED_PROXY_COUNT reverse proxies, and a deploy check on it.

`client_ip()` is the one reading of the address (lead rate limits, sign-in lockout, password-reset
throttle). `ProxyHeadersMiddleware` notes in the cache whether requests arrive with or without
X-Forwarded-For; `check_proxy_count` (`manage.py check --deploy`) warns when what was seen
contradicts TRUSTED_PROXY_COUNT: a proxy nobody declared (every visitor shares the proxy's
address) or a declared proxy that is not there (a forged header picks the address).

With no proxy declared, a header on some requests is not enough: anyone can send one to a
directly reachable app, and the warning's advice (trust a proxy) would then let every client pick
its address. It warns only when requests came forwarded and none came without the header.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.checks import Warning
from django.http import HttpRequest

logger = logging.getLogger(__name__)

SEEN_FORWARDED_KEY = "proxy:seen:forwarded"
SEEN_DIRECT_KEY = "proxy:seen:direct"
SEEN_BARE_KEY = "proxy:seen:bare"  # a request with no X-Forwarded-For at all
# How long a sighting counts, in seconds: a week of traffic says what the deployment looks like.
SEEN_TIMEOUT = 7 * 24 * 3600
# A process writes each sighting at most this often (a direct request is most requests).
RECORD_EVERY = 3600.0
_recorded: dict[str, float] = {}


def _forwarded_chain(request: HttpRequest) -> list[str]:
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [part.strip() for part in header.split(",") if part.strip()]


def client_ip(request: HttpRequest) -> str:
    """The client's address: X-Forwarded-For honoured only through TRUSTED_PROXY_COUNT proxies.

    Each trusted proxy appends the address it received the request from, so the client is the
    entry TRUSTED_PROXY_COUNT places from the right. With no trusted proxy (or a header shorter
    than the proxy chain, i.e. forged or misconfigured) the socket address is used.
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = _forwarded_chain(request)
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies][:64]


def record_proxy_headers(request: HttpRequest) -> None:
    """Note whether this request came through a proxy chain as long as TRUSTED_PROXY_COUNT says.

    Written: with no proxy trusted, whether a request came with the header or without it; with
    proxies trusted, a request with a shorter chain than they would have added. A sighting is a
    cache `add` (one write per key and week), made by a process at most once an hour. Never
    raises.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    chain = len(_forwarded_chain(request))
    if proxies <= 0:
        key = SEEN_FORWARDED_KEY if chain else SEEN_BARE_KEY
    elif chain < proxies:
        key = SEEN_DIRECT_KEY
    else:
        return
    now = time.monotonic()
    if now - _recorded.get(key, -RECORD_EVERY) < RECORD_EVERY:
        return
    try:
        cache.add(key, True, timeout=SEEN_TIMEOUT)
        _recorded[key] = now
    except Exception as exc:
        logger.warning("Proxy header sighting not recorded (%s).", exc.__class__.__name__)


class ProxyHeadersMiddleware:
    """Records proxy-header sightings that contradict TRUSTED_PROXY_COUNT (see the deploy check)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # /health/ is what a load balancer probes directly, with no forwarding header.
        if not request.path.startswith("/health/"):
            record_proxy_headers(request)
        return self.get_response(request)


def check_proxy_count(app_configs=None, **kwargs) -> list[Warning]:
    """`check --deploy`: TRUSTED_PROXY_COUNT against the requests this deployment has seen."""
    proxies = settings.TRUSTED_PROXY_COUNT
    try:
        forwarded = cache.get(SEEN_FORWARDED_KEY)
        direct = cache.get(SEEN_DIRECT_KEY)
        bare = cache.get(SEEN_BARE_KEY)
    except Exception:
        return []
    if proxies <= 0 and forwarded and not bare:
        return [
            Warning(
                "TRUSTED_PROXY_COUNT is 0 but requests arrived with X-Forwarded-For: the app "
                "seems to run behind a proxy, so every visitor shares the proxy's address (one "
                "rate-limit bucket, one sign-in lockout for everyone).",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies in front of the app.",
                id="serving.W001",
            )
        ]
    if proxies > 0 and direct:
        return [
            Warning(
                f"TRUSTED_PROXY_COUNT is {proxies} but requests arrived with fewer X-Forwarded-For "
                "entries: they did not come through that many proxies, and a client could forge "
                "the header to pick its own address.",
                hint="Set TRUSTED_PROXY_COUNT=0 if nothing sits in front of the app.",
                id="serving.W002",
            )
        ]
    return []
