"""Reference data: what many responses read and editors rarely change, kept per process.

A response is built from the requested page's own rows (fetched every time) and from reference
data: the site, the practice settings, which pages are behind a view restriction, and the
representations of authors, calls to action, images and linked pages. Reference data is kept in
process memory under the content version (cms.serving.cache): every edit that could change it
stamps a new version, and the first request after that starts an empty memo. So an edit shows on
the next request in every process, as with the response cache, while a response that is not in
the response cache still costs only its own page's queries.

The version is read once per request (one cache round trip), by `RequestScopeMiddleware`.
Outside a request (commands, Celery tasks, tests calling functions directly) nothing is kept:
`memoized` simply builds the value.

Values handed out are shared between requests: callers must not modify them.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import DisallowedHost
from django.db import DatabaseError
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


def in_request_scope() -> bool:
    """True within `request_scope()` (a request served through RequestScopeMiddleware)."""
    return _scope.get() is not None


def serving_page() -> bool:
    """True while the project's serve view (cms.serving.views) serves a page to a visitor."""
    scope = _scope.get()
    return scope is not None and scope.get("serving", False)


def mark_serving() -> None:
    """Called by the serve view: from here on, view restrictions come from the reference data."""
    scope = _scope.get()
    if scope is not None:
        scope["serving"] = True


def _version() -> str | None:
    scope = _scope.get()
    if scope is None:
        return None
    if "version" not in scope:
        from cms.serving.cache import content_version

        version = content_version()
        scope["version"] = None if version == "unavailable" else version
    return scope["version"]


def _current() -> dict[Hashable, Any] | None:
    """The memo of the current content version (None outside a request scope)."""
    global _memo
    version = _version()
    if version is None:
        return None
    if _memo_version[0] != version or len(_memo) > MAX_ENTRIES:
        _memo = {}
        _memo_version[0] = version
    return _memo


def kept(key: Hashable) -> Any:
    """The value kept under `key`, or None; builds nothing."""
    memo = _current()
    return None if memo is None else memo.get(key)


def memoized[T](key: Hashable, build: Callable[[], T]) -> T:
    """The value kept under `key` for the current content version, built on first use."""
    memo = _current()
    if memo is None:
        return build()
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
    memo = _current()
    if memo is None:
        return build(ids)
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


def view_restrictions() -> tuple[Any, ...]:
    """Every page view restriction, with its page's tree path (`page_path`)."""
    from django.db.models import F
    from wagtail.models import PageViewRestriction

    return memoized(
        "view_restrictions",
        lambda: tuple(PageViewRestriction.objects.annotate(page_path=F("page__path"))),
    )


def restricted_paths() -> tuple[str, ...]:
    """Tree paths of pages under a view restriction (they and their descendants are private)."""
    return memoized("restricted_paths", lambda: tuple(r.page_path for r in view_restrictions()))


def restrictions_for(page: Any) -> list[Any]:
    """The restrictions on `page` and its ancestors (Wagtail's `get_view_restrictions`)."""
    return [r for r in view_restrictions() if page.path.startswith(r.page_path)]


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


class RequestScopeMiddleware:
    """Opens the reference-data scope for each request and resolves its site once."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with request_scope():
            # PostgreSQL down: the view answers for itself (leads: a 503 naming the phone).
            with suppress(DatabaseError):
                site_for_request(request)
            return self.get_response(request)
