"""The project's page serve view (Wagtail's, with the URL route kept as reference data), and
`/favicon.ico`."""

from __future__ import annotations

from functools import lru_cache

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
        page = model.objects.filter(pk=pk, live=True).first()
        if page is not None:
            set_request_route(request, (page, args, kwargs))
            return
    result = Page.route_for_request(request, path)
    if result is not None:
        page, args, kwargs = result
        memoized(key, lambda: (type(page), page.pk, args, kwargs))


@lru_cache(maxsize=1)
def _favicon_bytes() -> bytes:
    with open(finders.find("favicon.ico"), "rb") as icon:
        return icon.read()


def favicon(request: HttpRequest) -> HttpResponse:
    """`/favicon.ico`, which browsers ask for whatever the page links: the static icon."""
    response = HttpResponse(_favicon_bytes(), content_type="image/vnd.microsoft.icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response
