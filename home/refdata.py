"""Reference data: what many responses read and editors rarely change, kept per process.

A response is built from the requested page's own rows (fetched every time) and from reference
data: the site, the practice settings, which pages are behind a view restriction, and the
representations of authors, calls to action, images and linked pages. Reference data is kept in
process memory under the content version (home.cache): every edit that could change it stamps a
new version, and the first request after that starts an empty memo. So an edit shows on the next
request in every process, as with the response cache, while a response that is not in the
response cache still costs only its own page's queries.

The version is read once per request (one cache round trip), by `RequestScopeMiddleware`.
Outside a request (commands, Celery tasks, tests calling functions directly) nothing is kept:
`memoized` simply builds the value.

Values handed out are shared between requests: callers must not modify them.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import DisallowedHost
from django.db.models import Q

MAX_ENTRIES = 20_000

_scope: ContextVar[dict[str, Any] | None] = ContextVar("refdata_scope", default=None)
_memo: dict[Hashable, Any] = {}
_memo_version: list[str | None] = [None]


@contextmanager
def request_scope() -> Iterator[None]:
    """Within this block, reference data is kept under the content version read once."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def _version() -> str | None:
    scope = _scope.get()
    if scope is None:
        return None
    if "version" not in scope:
        from home.cache import content_version

        version = content_version()
        scope["version"] = None if version == "unavailable" else version
    return scope["version"]


def memoized[T](key: Hashable, build: Callable[[], T]) -> T:
    """The value kept under `key` for the current content version, built on first use."""
    global _memo
    version = _version()
    if version is None:
        return build()
    if _memo_version[0] != version or len(_memo) > MAX_ENTRIES:
        _memo = {}
        _memo_version[0] = version
    memo = _memo
    try:
        return memo[key]
    except KeyError:
        value = build()
        memo[key] = value
        return value


def memoized_many(
    kind: str, ids: list[int], build: Callable[[list[int]], dict[int, Any]]
) -> dict[int, Any]:
    """Values for many ids of one kind; `build` is called once with the ids not kept yet."""
    global _memo
    version = _version()
    if version is None:
        return build(ids)
    if _memo_version[0] != version or len(_memo) > MAX_ENTRIES:
        _memo = {}
        _memo_version[0] = version
    memo = _memo
    found: dict[int, Any] = {}
    missing = []
    for pk in ids:
        key = (kind, pk)
        if key in memo:
            found[pk] = memo[key]
        else:
            missing.append(pk)
    if missing:
        built = build(missing)
        for pk in missing:
            value = built.get(pk)
            memo[(kind, pk)] = value
            found[pk] = value
    return found


def clear() -> None:
    """Forget everything (tests: a rolled-back transaction does not stamp a new version)."""
    global _memo
    _memo = {}
    _memo_version[0] = None


# What is kept ---------------------------------------------------------------------------------


def restricted_paths() -> tuple[str, ...]:
    """Tree paths of pages under a view restriction (they and their descendants are private)."""
    from wagtail.models import PageViewRestriction

    return memoized(
        "restricted_paths",
        lambda: tuple(PageViewRestriction.objects.values_list("page__path", flat=True)),
    )


def public_q() -> Q:
    """A filter for pages no view restriction covers (Wagtail's `.public()`, without a query)."""
    q = Q()
    for path in restricted_paths():
        q &= ~Q(path__startswith=path)
    return q


def is_public(page: Any) -> bool:
    return not any(page.path.startswith(path) for path in restricted_paths())


def site_for_request(request: Any):
    """Wagtail's `Site.find_for_request`, kept per host and port."""
    from wagtail.models import Site

    if request is None:
        return None
    if hasattr(request, "_wagtail_site"):
        return request._wagtail_site
    try:
        key = ("site", request.get_host(), request.get_port())
    except DisallowedHost:
        return None  # Django answers 400 when the view asks for the host
    request._wagtail_site = memoized(key, lambda: Site.find_for_request(request))
    return request._wagtail_site


def practice_for_site(site: Any):
    """The practice settings of `site` (a copy: Wagtail notes the request on the instance)."""
    from home.models import PracticeSettings

    if site is None:
        return PracticeSettings.load_default()
    shared = memoized(("practice", site.pk), lambda: PracticeSettings.for_site(site))
    return copy.copy(shared)


def install() -> None:
    """Called once from HomeConfig.ready(): Wagtail's site root paths (read for every page URL,
    one cache round trip per page instance) come from the reference data within a request."""
    from wagtail.models import Site

    original = Site.get_site_root_paths
    if getattr(original, "_refdata", False):
        return

    def get_site_root_paths():
        if _scope.get() is None:
            return original()
        return memoized("site_root_paths", original)

    get_site_root_paths._refdata = True
    Site.get_site_root_paths = staticmethod(get_site_root_paths)


class RequestScopeMiddleware:
    """Opens the reference-data scope for each request and resolves its site once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            site_for_request(request)
            return self.get_response(request)
