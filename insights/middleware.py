"""Counts public page views on the way out, above every cache, so a content-cache hit counts."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import counting

NOT_PAGES = ("/api/", "/documents/", "/health/", "/consultation/")


class PageViewCounterMiddleware:
    """One count per public HTML page served (or revalidated, 304) to a visitor (no session); paths
    that are no page are dropped when the counts are flushed. Never a bot, never a
    visitor who asked not to be tracked; admin, API, static, media and previews are not pages."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.skip = (
            *settings.ADMIN_PATH_PREFIXES,
            settings.STATIC_URL,
            settings.MEDIA_URL,
            *NOT_PAGES,
        )
        self.session_cookie = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        self.count(request, response)
        return response

    def count(self, request: HttpRequest, response: HttpResponse) -> None:
        """Counts `response` when it is a page view (also called for the WSGI handler's early
        cache hits, which no middleware sees)."""
        # Cheapest checks first: this runs on every response, cache hits included (measured in
        # docs/benchmarks.md, "page-view counting on and off").
        meta = request.META
        if (
            request.method == "GET"
            and (
                # A revisit the browser may show from its own copy (304) is a view too.
                response.status_code == 304
                or (
                    response.status_code == 200
                    and not response.streaming
                    and response.headers.get("Content-Type", "").startswith("text/html")
                )
            )
            and counting.counting_enabled()
            and not request.path.startswith(self.skip)
            # No cookie header, no session: the cookies are parsed only when there are some.
            and not ("HTTP_COOKIE" in meta and self.session_cookie in request.COOKIES)
            and not getattr(request, "is_preview", False)
            and not meta.get("HTTP_SEC_PURPOSE", meta.get("HTTP_PURPOSE"))
            and counting.countable_visitor(request)
        ):
            counting.count_request(request)
