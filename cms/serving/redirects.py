"""Old links with a query string (`/?p=1724`, `/?page_id=7`) answer their redirect, even where
the path itself exists.

Wagtail's `RedirectMiddleware` acts only on 404s, so `/?p=1724` would serve the home page with
200. A `Redirect` whose `old_path` carries a query string (stored as `Redirect.normalise_path`
stores it: parameters sorted) is answered here, before the view. A request without a query string
costs nothing; one with a query string is looked up in the set of old paths that have such a
redirect, kept per content version in the reference data (a saved or deleted Redirect stamps a
new version), so only a request that does redirect reads its row. The content cache answers
hits above this middleware: a Redirect saved after its old address was cached still wins,
because the new version makes that entry a miss.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlparse

from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.http.request import split_domain_port
from wagtail.contrib.redirects.middleware import RedirectMiddleware, get_redirect
from wagtail.contrib.redirects.models import Redirect

from cms.serving.refdata import memoized

# The project's own addresses: an old site's link never points there.
OWN_PREFIXES = ("/admin/", "/api/", "/documents/", "/static/", "/media/", "/health/")


def query_redirect_paths() -> frozenset[str]:
    """Every Redirect's old path that has a query string, kept per content version."""
    return memoized(
        "query_redirect_paths",
        lambda: frozenset(
            Redirect.objects.filter(old_path__contains="?").values_list("old_path", flat=True)
        ),
    )


def query_redirect(request: HttpRequest) -> HttpResponse | None:
    """The redirect response for this request's path and query string, or None."""
    if not request.META.get("QUERY_STRING") or request.method not in {"GET", "HEAD"}:
        return None
    if request.path_info.startswith(OWN_PREFIXES):
        return None
    path = Redirect.normalise_path(request.get_full_path())
    if "?" not in path or len(path) > 255:
        return None
    if path not in query_redirect_paths():
        return None
    host = split_domain_port(request._get_raw_host())[0].lower()
    found = list(
        Redirect.objects.filter(old_path=path).select_related("site", "redirect_page")[:20]
    )
    # A row for this host wins over one for every site; rows for other hosts never answer.
    mine = [r for r in found if r.site is not None and r.site.hostname.lower() == host]
    redirect = (mine or [r for r in found if r.site is None] or [None])[0]
    if redirect is None and len(found) == 1 and found[0].site and found[0].site.is_default_site:
        redirect = found[0]
    return redirect_response(redirect, request)


def redirect_response(redirect: Redirect | None, request: HttpRequest) -> HttpResponse | None:
    """The redirect's answer, or None when it has no link or leads to a page visitors cannot see
    (a draft, or a private post an import kept unpublished): its address is not revealed, and
    the redirect answers once the page is published."""
    if redirect is None:
        return None
    if redirect.redirect_page is not None:
        if not redirect.redirect_page.live:
            return None
        link = redirect.redirect_page.get_url(request)
    else:
        link = redirect.redirect_link
    if not link:
        return None
    response_class = (
        HttpResponsePermanentRedirect if redirect.is_permanent else HttpResponseRedirect
    )
    return response_class(link)


class VisibleRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects for a 404 (same lookup: the path with its query string, then
    without), except that a redirect to a page that is not live leaves the 404 as it is."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if response.status_code != 404:
            return response
        path = Redirect.normalise_path(request.get_full_path(), decode_unicode=False)
        redirect = get_redirect(request, path)
        if redirect is None and path != (bare := urlparse(path).path):
            redirect = get_redirect(request, bare)
        return redirect_response(redirect, request) or response


class QueryStringRedirectMiddleware:
    """Answers redirects whose old address includes a query string, ahead of the views (below
    RequestScopeMiddleware, whose reference data keeps the set of such addresses)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return query_redirect(request) or self.get_response(request)
