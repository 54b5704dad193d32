"""Error pages a visitor can reach (400, 403 CSRF, 404, 500, 503), each naming the practice's
phone without touching the database or the cache.

They are rendered from a self-contained template and from what the process already knows: the
settings read at start-up (`LEADS_FALLBACK_PHONE`, `WAGTAIL_SITE_NAME`) and, failing those, the
phone of the last page this process served for the same host (noted by the practice settings).
The 404 page shows the site's usual chrome when it can, and this page when it cannot.
"""

from __future__ import annotations

import logging
import sys
from typing import Any

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.views.defaults import page_not_found as django_page_not_found

logger = logging.getLogger(__name__)

_phones: dict[str, str] = {}

PAGES: dict[int, tuple[str, str]] = {
    400: (
        "We could not read that request",
        "The address or the form contained characters the site cannot accept (for example a "
        "null character or a broken emoji). Please check what you typed and try again.",
    ),
    403: (
        "Your form could not be sent",
        "Your browser did not send the security cookie this form needs, so nothing was sent. "
        "Please allow cookies for this site and send the form again.",
    ),
    404: ("Page not found", "Sorry, we could not find that page."),
    500: (
        "Something went wrong",
        "Sorry, the site could not show this page. Please try again in a moment.",
    ),
    503: (
        "The site is busy",
        "Sorry, the site cannot answer just now. Please try again in a few minutes.",
    ),
}


def _host(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("HTTP_HOST", "") or request.META.get("SERVER_NAME", "")


def remember_phone(request: HttpRequest | None, phone: str) -> None:
    """Called when the practice settings are read for a request: the phone for this host."""
    if phone:
        _phones[_host(request)] = phone


def fallback_phone(request: HttpRequest | None = None) -> str:
    """The phone an error page names: the configured one, else the last one served here."""
    if settings.LEADS_FALLBACK_PHONE:
        return settings.LEADS_FALLBACK_PHONE
    return _phones.get(_host(request)) or next(iter(_phones.values()), "")


def error_page(
    request: HttpRequest | None,
    status: int,
    message: str = "",
    *,
    phone: str = "",
    **context: Any,
) -> HttpResponse:
    """The self-contained error page for `status`, naming `phone` or else the fallback phone."""
    title, default = PAGES.get(status, PAGES[500])
    phone = phone or fallback_phone(request)
    body = render_to_string(
        "errors/page.html",
        {
            "status": status,
            "title": title,
            "message": message or default,
            "phone": phone,
            "phone_href": "tel:" + "".join(c for c in phone if c.isdigit() or c == "+"),
            "site_name": settings.WAGTAIL_SITE_NAME,
            **context,
        },
    )
    response = HttpResponse(body, status=status)
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = "60"
    return response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_page(request, 400)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """`CSRF_FAILURE_VIEW`: say what to do (allow cookies), and how to reach the practice."""
    return error_page(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The site's 404 page with its usual chrome; this module's page if that cannot render."""
    try:
        response = django_page_not_found(request, exception)
        if hasattr(response, "render"):
            response.render()
        return response
    except Exception:
        logger.warning("404 page rendered from the fallback", exc_info=True)
        return error_page(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    """500, or 503 (try again) when the database could not be reached: an outage, not a bug."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return error_page(request, 503)
    return error_page(request, 500)
