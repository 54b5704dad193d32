"""The project's page serve view (Wagtail's, with the URL route kept as reference data), and
`/favicon.ico`."""

from __future__ import annotations

from functools import cache, lru_cache

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from wagtail import views as wagtail_views
from wagtail.models import Page

from cms.serving.patches import set_request_route
from cms.serving.refdata import kept, mark_serving, memoized, site_for_request


def serve(request: HttpRequest, path: str) -> HttpResponse:
    """Mounted as `wagtail_serve`. On the first request for a path, Wagtail's routing
    (`Page.route_for_request`) runs; what is kept is the page's id, type and the route's
    arguments. Later requests load the page itself in one query on its own table (Wagtail's
    routing costs two per level) and hand the route to Wagtail's serve view, which runs its
    hooks, view restrictions and `page.serve()` as usual."""
    mark_serving()
    _route(request, path)
    return wagtail_views.serve(request, path)


def _route(request: HttpRequest, path: str) -> None:
    site = site_for_request(request)
    if site is None:
        return
    key = ("route", site.pk, path)
    known = kept(key)
    if known is not None:
        model, pk, args, kwargs = known
        page = _live_page(model, pk)
        if page is not None:
            set_request_route(request, (page, args, kwargs))
            return
    result = Page.route_for_request(request, path)
    if result is not None:
        page, args, kwargs = result
        memoized(key, lambda: (type(page), page.pk, args, kwargs))


# Never a page id: stands for the id in the SQL built once per page type.
_ANY_ID = -7_777_777


@cache
def _live_page_sql(model: type[Page]) -> tuple[str, tuple] | None:
    """The SQL of `model.objects.filter(pk=..., live=True)[:1]`, built once per page type.

    Building it (a page type joins each table up to `Page`: 35-40 columns) took longer in the
    ORM (about 2 ms of CPU) than PostgreSQL took to answer it (0.3 ms)."""
    sql, params = model.objects.filter(pk=_ANY_ID, live=True)[:1].query.sql_with_params()
    return (sql, params) if list(params).count(_ANY_ID) == 1 else None


def _live_page(model: type[Page], pk: int) -> Page | None:
    """The live page `pk` of type `model` (as `model.objects.filter(pk=pk, live=True).first()`)."""
    built = _live_page_sql(model)
    if built is None:
        return model.objects.filter(pk=pk, live=True).first()
    sql, params = built
    found = list(model.objects.raw(sql, [pk if value == _ANY_ID else value for value in params]))
    return found[0] if found else None


@lru_cache(maxsize=1)
def _favicon_bytes() -> bytes:
    with open(finders.find("favicon.ico"), "rb") as icon:
        return icon.read()


def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for whatever the page links: the static icon."""
    response = HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
