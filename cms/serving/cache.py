"""The content cache: one version stamp for everything public, and the one place that changes it.

Every public response built from content (API JSON, and the HTML pages) depends on the content
version. When an editor publishes, unpublishes, moves or deletes a page, or saves a snippet, image,
document or site setting, `invalidate()` stamps a new version: every server-side cache entry made
under an older version is a miss from then on, in every process. The version is stamped at once
and again when the transaction commits, so a request that read the old rows in between cannot
store them under the new version.

When `WAGTAILFRONTENDCACHE` is configured, the same call purges the affected URLs from the CDN:
the HTML of every page that changed or uses the changed object (Wagtail's reference index), the
page's API detail and `find` URLs, and the API listings.

A cache that is down is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache, caches
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

from cms.serving.compression import apply_encoding, compress_response, compressible, encode

logger = logging.getLogger(__name__)

VERSION_KEY = "content:version"
ENTRY_PREFIX = "content:response:"
ENTRY_TIMEOUT = 24 * 3600
LOCAL_BYTES = 32 * 1024 * 1024  # per process


# Version --------------------------------------------------------------------------------------


def cache_down() -> bool:
    """True while the cache backend skips a Redis that just failed (a miss is not a new version)."""
    available = getattr(cache, "available", None)
    return available is not None and not available()


def content_version() -> str:
    """The current content version; a fresh one is stamped when the cache holds none."""
    try:
        version = read_version()
    except Exception:
        logger.warning("content cache unavailable reading the version", exc_info=True)
        return "unavailable"
    if version is None and cache_down():
        return "unavailable"
    return version or bump_content_version()


def read_version() -> str | None:
    """The stored version, or None: one round trip, read on every request (cache hits too)."""
    backend = caches["default"]  # not the `cache` proxy: a lookup per use
    quick = getattr(backend, "get_quick", None)
    return quick(VERSION_KEY) if quick is not None else backend.get(VERSION_KEY)


def bump_content_version() -> str:
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.warning("content cache unavailable stamping a version", exc_info=True)
    return version


def invalidate(changed: models.Model | None = None) -> None:
    """Content changed: new version now and after commit, and purge the CDN when configured."""
    bump_content_version()
    transaction.on_commit(bump_content_version)
    if changed is not None and frontend_cache_configured():
        urls = affected_urls(changed)
        transaction.on_commit(lambda: _purge(urls))


# Affected URLs (CDN purges) -------------------------------------------------------------------


def frontend_cache_configured() -> bool:
    return bool(
        getattr(settings, "WAGTAILFRONTENDCACHE", None)
        or getattr(settings, "WAGTAILFRONTENDCACHE_LOCATION", None)
    )


def affected_pages(changed: models.Model) -> list:
    """The pages whose output shows `changed`: the page itself, and pages that reference it."""
    from wagtail.models import Page, ReferenceIndex

    pages = [changed] if isinstance(changed, Page) else []
    references = ReferenceIndex.get_references_to(changed).filter(
        base_content_type__model="page", base_content_type__app_label="wagtailcore"
    )
    page_ids = {int(pk) for pk in references.values_list("object_id", flat=True)}
    page_ids -= {page.pk for page in pages}
    return pages + list(Page.objects.filter(pk__in=page_ids))


def api_urls_for_pages(pages: Iterable) -> set[str]:
    base = settings.WAGTAILAPI_BASE_URL.rstrip("/")
    urls = {f"{base}/api/v2/pages/"}
    for page in pages:
        urls.add(f"{base}/api/v2/pages/{page.pk}/")
        if page.url_path:
            urls.add(f"{base}/api/v2/pages/find/?html_path={page.get_url() or ''}")
    return urls


def affected_urls(changed: models.Model) -> set[str]:
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    pages = affected_pages(changed)
    batch = PurgeBatch()
    batch.add_pages(pages)
    return set(batch.urls) | api_urls_for_pages(pages)


def _purge(urls: set[str]) -> None:
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache(sorted(urls))
    except Exception:
        logger.exception("frontend cache purge failed")


# Responses ------------------------------------------------------------------------------------


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")  # request.headers builds a dict of all
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates


def cache_control() -> str:
    """Clients revalidate every time (cheap with ETag); a purged CDN may keep it longer."""
    value = "public, max-age=0, must-revalidate"
    if frontend_cache_configured():
        value += f", s-maxage={getattr(settings, 'API_CDN_MAX_AGE', 300)}"
    return value


#: Headers a stored entry does not keep: per request (CORS answers the request's Origin), per
#: encoding (set again when the entry is sent), or the cache's own.
UNSTORED_HEADERS = frozenset(
    {
        "content-length",
        "content-encoding",
        "set-cookie",
        "x-cache",
        "date",
        "server",
        "access-control-allow-origin",
        "access-control-allow-credentials",
        "access-control-expose-headers",
        "access-control-allow-headers",
        "access-control-allow-methods",
        "access-control-max-age",
        "access-control-allow-private-network",
    }
)


class LocalEntries:
    """Entries this process has read, by key (each with its version), and their bytes."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple] = {}
        self.size = 0


LOCAL = LocalEntries()

#: Headers a 304 does not carry (it has no body).
BODY_HEADERS = frozenset({"content-type", "content-length", "content-encoding", "content-language"})


class ContentCacheMiddleware:
    """Server-side cache, ETag and 304 for the read-only API and the public HTML pages, answered
    at the top of the middleware stack.

    API responses do not depend on who asks (only public pages are served, to everyone alike), so
    one entry per scheme, host and full path serves every client. HTML pages are stored only when
    the page itself said it may be shared (`Cache-Control: public` with an ETag, set by
    cms.serving.headers for anonymous visitors, never for pages carrying a CSRF token or nonce),
    and are served from the cache only to visitors without a session, never to a preview.

    The middleware sits first in MIDDLEWARE: a miss goes through the whole stack, and the entry
    keeps the final headers (security headers, CSP, Permissions-Policy, X-Frame-Options, Vary,
    Cache-Control, ETag), so a hit answers with the same headers without running any other
    middleware. CORS headers depend on the request's Origin: they are never stored, and are added
    to each hit by django-cors-headers' own code. Each entry keeps its body compressed (brotli
    and gzip, made once when stored) next to the plain one; a hit sends the one the client
    accepts, with `Vary: Accept-Encoding` (the compression middleware below leaves requests this
    middleware handles to it). An entry is used only when it was made under the current content
    version, read on every request, and before its expiry when the response set one
    (`request.content_cache_seconds`, e.g. pages whose form carries a dated token); an entry this
    process has already read is reused from memory (up to LOCAL_BYTES), so a hit fetches only
    the version. A plain-HTTP request that SECURE_SSL_REDIRECT would redirect is never a hit.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        from corsheaders.middleware import CorsMiddleware

        self.get_response = get_response
        self.prefix = getattr(settings, "API_CACHE_PREFIX", "/api/v2/")
        self.exclude = tuple(getattr(settings, "API_CACHE_EXCLUDE", ()))
        self.html_exclude = tuple(getattr(settings, "HTML_CACHE_EXCLUDE", ()))
        self.admin = tuple(settings.ADMIN_PATH_PREFIXES)
        self.enabled = getattr(settings, "CONTENT_CACHE", True)
        self.https_only = getattr(settings, "SECURE_SSL_REDIRECT", False)
        self.session_cookie = settings.SESSION_COOKIE_NAME
        # The CORS headers of a hit, from the same code (and settings) as every other response.
        self.cors = CorsMiddleware(get_response)
        # Entries read from the shared cache, kept in this process under their version (one
        # store per process: the WSGI handler's early hits and this middleware share it).
        self.local = LOCAL

    def _kind(self, request: HttpRequest) -> str | None:
        path = request.path
        if not self.enabled or request.method not in {"GET", "HEAD"}:
            return None
        if getattr(request, "is_dummy", False) or getattr(request, "is_preview", False):
            return None  # a preview (Wagtail marks its request `is_dummy` before middleware)
        if self.https_only and not request.is_secure():
            return None  # SecurityMiddleware redirects it
        if path.startswith(self.prefix):
            return None if path.startswith(self.exclude) else "api"
        if path.startswith(self.html_exclude) or path.startswith(self.admin):
            return None
        if self.session_cookie in request.COOKIES:
            return None  # an editor: gets the user bar, never a shared copy
        return "html"

    def _key(self, kind: str, request: HttpRequest) -> str:
        return (
            ENTRY_PREFIX
            + kind
            + hashlib.blake2b(
                f"{request.scheme}://{request.get_host()}{request.get_full_path()}".encode(),
                digest_size=20,
            ).hexdigest()
        )

    def hit(self, request: HttpRequest) -> HttpResponse | None:
        """The answer from the cache, or None when this request is no hit (not cacheable, not
        stored, stale). The WSGI handler asks this before Django's own request handling."""
        kind = self._kind(request)
        if kind is None:
            return None
        entry, _version = self._lookup(self._key(kind, request))
        return None if entry is None else self._answer(request, entry)

    def _answer(self, request: HttpRequest, entry: tuple) -> HttpResponse:
        body, encoded, header_store = entry[2], entry[3], entry[5]
        response = HttpResponse(body)
        # The stored headers were checked (names, values, charset) when the response was first
        # made: copied as they are, not set and checked again one by one (13-15 headers, a tenth
        # of a hit's CPU).
        response.headers._store.update(header_store)
        return self._finish(request, response, encoded)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        kind = self._kind(request)
        if kind is None:
            return self.get_response(request)

        key = self._key(kind, request)
        entry, version = self._lookup(key)
        if entry is not None:
            return self._answer(request, entry)

        if version is None:
            version = content_version()
        request.content_cache_compresses = True
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming:
            return compress_response(request, response)
        cache_control_header = response.get("Cache-Control", "")
        if kind == "api":
            if cache_control_header.startswith(("no-store", "private", "no-cache")):
                return compress_response(request, response)
            response["ETag"] = etag_for(response.content)
            response["Cache-Control"] = cache_control()
            patch_vary_headers(response, ["Origin"])
        elif "public" not in cache_control_header or not response.has_header("ETag"):
            return compress_response(request, response)
        if "'nonce-" in response.get("Content-Security-Policy", ""):
            return compress_response(request, response)  # a per-request secret
        response["X-Cache"] = "miss"
        if response.cookies or version == "unavailable" or response.has_header("Content-Encoding"):
            # Not stored: compressed on the way out like any other response.
            return compress_response(request, response)
        # Compressed once here; every hit sends one of these as it is.
        encoded = (
            encode(response.content)
            if compressible(response.get("Content-Type", ""), response.content)
            else {}
        )
        if encoded:
            patch_vary_headers(response, ["Accept-Encoding"])
        stored = {
            name: value for name, value in response.items() if name.lower() not in UNSTORED_HEADERS
        }
        seconds = getattr(request, "content_cache_seconds", None)
        expires = time.time() + seconds if seconds else 0.0
        entry = (version, stored, response.content, encoded, expires)
        try:
            cache.set(key, entry, min(ENTRY_TIMEOUT, math.ceil(seconds or ENTRY_TIMEOUT)))
            self._keep(key, entry)
        except Exception:
            logger.warning("content cache unavailable storing a response", exc_info=True)
        return self._finish(request, response, encoded)

    def _lookup(self, key: str) -> tuple[tuple | None, str | None]:
        """(entry usable now or None, current version). An entry this process already read under
        the current version is reused without fetching it again: only the version makes a round
        trip (a 20-article listing is 134 KB)."""
        try:
            version = read_version()
            if version is None:
                return None, None
            entry = self.local.entries.get(key)
            if entry is None or entry[0] != version:
                entry = cache.get(key)
                if not isinstance(entry, tuple) or len(entry) != 5 or entry[0] != version:
                    return None, version  # absent, stale, or stored by an older release
                entry = self._keep(key, entry)
        except Exception:
            logger.warning("content cache unavailable", exc_info=True)
            return None, None
        if entry[4] and entry[4] <= time.time():
            return None, version
        return entry, version

    def _keep(self, key: str, entry: tuple) -> tuple:
        """Keeps `entry` in this process, with the headers of a hit as Django holds them
        ({lower name: (name, value)}, checked once here by a throw-away response) as a sixth
        item; returns what is kept."""
        size = len(entry[2]) + sum(len(body) for body in entry[3].values())
        local = self.local
        if local.size + size > LOCAL_BYTES:
            local.entries.clear()
            local.size = 0
        headers = HttpResponse().headers
        headers._store.clear()
        for name, value in entry[1].items():
            headers[name] = value
        headers["X-Cache"] = "hit"
        kept = (*entry[:5], headers._store)
        local.entries[key] = kept
        local.size += size
        return kept

    def _finish(
        self, request: HttpRequest, response: HttpResponse, encoded: dict[str, bytes]
    ) -> HttpResponse:
        if encoded:
            response = apply_encoding(request, response, encoded)
        response["Content-Length"] = str(len(response.content))
        etag = response.get("ETag", "")
        if etag and etag_matches(request, etag.removeprefix("W/")):
            not_modified = HttpResponseNotModified()
            for name, value in response.items():
                if name.lower() not in BODY_HEADERS:
                    not_modified[name] = value
            response = not_modified
        if "HTTP_ORIGIN" in request.META:
            # Without an Origin, CORS adds only `Vary: origin`, which the stored headers have.
            self.cors.add_response_headers(request, response)
        return response
