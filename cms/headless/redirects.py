"""Redirects in the API: `/api/v2/redirects/` and the lookup `pages/find/` follows.

The rows are Wagtail's `Redirect`s: those an editor adds in the admin (site-wide or for one site)
and those the WordPress importer creates for every old URL, including old URLs with a query
string (`/?p=1724`, stored with Wagtail's `Redirect.normalise_path`). The lookup is the one the
HTML site answers with, so the API and the site agree on where an old URL goes.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from rest_framework.response import Response
from wagtail.api.v2.utils import get_object_detail_url
from wagtail.contrib.redirects.middleware import get_redirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page

from cms.headless.openapi import JSON
from cms.serving.refdata import site_for_request

REDIRECT_PAGE_SCHEMA: JSON = {
    "type": "object",
    "description": "The public page a redirect leads to, with its API detail URL.",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": "string", "description": "The page's public path."},
        "detail_url": {"type": "string", "description": "`/api/v2/pages/{id}/`, absolute."},
    },
    "required": ["id", "title", "url", "detail_url"],
    "additionalProperties": False,
}

REDIRECT_SCHEMA: JSON = {
    "type": "object",
    "description": (
        "An old URL and where it now leads. `old_path` is normalised as Wagtail stores it: no "
        "trailing slash, query parameters sorted (`/?p=1724`)."
    ),
    "properties": {
        "id": {"type": "integer"},
        "old_path": {"type": "string"},
        "location": {
            "type": "string",
            "description": "Where a browser goes: the page's path, or an external URL.",
        },
        "is_permanent": {"type": "boolean", "description": "301 when true, 302 otherwise."},
        "site": {
            "type": ["string", "null"],
            "description": "The hostname it applies to; null for every site.",
        },
        "page": {
            "anyOf": [{"$ref": "#/components/schemas/RedirectPage"}, {"type": "null"}],
            "description": "The target page when it is a public page of this site.",
        },
    },
    "required": ["id", "old_path", "location", "is_permanent", "site", "page"],
    "additionalProperties": False,
}

FOLLOWED_SCHEMA: JSON = {
    "type": "object",
    "description": "`find` met an old URL: `Location` (and `detail_url`) name where it moved.",
    "properties": {
        "message": {"type": "string"},
        "old_path": {"type": "string"},
        "location": {"type": "string", "description": "The new public URL or path."},
        "detail_url": {
            "type": ["string", "null"],
            "description": "The new page's API detail URL; null for an external target.",
        },
    },
    "required": ["message", "old_path", "location", "detail_url"],
    "additionalProperties": False,
}


def find_redirect(
    request: HttpRequest, html_path: str, *, bare_path: bool = True
) -> Redirect | None:
    """The redirect the HTML site follows for `html_path`: for it with its query string, else
    (unless `bare_path` is false) for the path alone."""
    if "\x00" in html_path:
        return None
    path = Redirect.normalise_path(html_path, decode_unicode=False)
    redirect = get_redirect(request, path)
    if redirect is None and bare_path:
        without_query = urlsplit(path).path
        if without_query != path:
            redirect = get_redirect(request, without_query)
    return redirect


def has_query(html_path: str) -> bool:
    return "?" in html_path and bool(html_path.split("?", 1)[1])


def target_page(redirect: Redirect, request: HttpRequest, served: QuerySet) -> Page | None:
    """The public page the redirect leads to (a chosen page, or a link to a path of this site)."""
    page = redirect.redirect_page
    if page is None and redirect.redirect_link:
        site = site_for_request(request)
        link = urlsplit(redirect.redirect_link)
        if site is None or (link.netloc and link.hostname != site.hostname):
            return None
        components = [part for part in link.path.split("/") if part]
        try:
            page, _, _ = site.root_page.specific.route(request, components)
        except Http404:
            return None
    if page is None or not served.filter(pk=page.pk).exists():
        return None
    return page


def followed_response(
    request: HttpRequest, redirect: Redirect, page: Page | None, query: str
) -> Response:
    """301 (302 for a temporary redirect) to the new page's API detail URL, or to the link."""
    detail_url = None
    if page is not None:
        detail_url = get_object_detail_url(request.wagtailapi_router, request, Page, page.pk)
        if query:
            detail_url = f"{detail_url}?{query}"
    location = redirect.link or ""
    response = Response(
        {
            "message": f"{redirect.old_path} has moved.",
            "old_path": redirect.old_path,
            "location": location,
            "detail_url": detail_url,
        },
        status=301 if redirect.is_permanent else 302,
    )
    response["Location"] = detail_url or location
    return response
