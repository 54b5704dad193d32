"""HTTP caching for public pages: a short shared max-age and an ETag over the rendered body.

The ETag is computed from the bytes sent, so it changes whenever anything on the page changes:
the page itself, a snippet it shows (CTA, author), the practice settings or a related article.
A conditional GET with a matching ``If-None-Match`` gets a 304.

Responses that must not be shared are marked private and get no validator: previews, pages seen
by a logged-in editor (the user bar), and pages carrying a per-request secret (a CSRF token or
a CSP nonce), whose bodies differ on every request anyway.
"""

from __future__ import annotations

import hashlib
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag


def _is_personal(request: HttpRequest, response: HttpResponse) -> bool:
    user = getattr(request, "user", None)
    nonce = getattr(request, "_csp_nonce", None)
    return bool(
        getattr(request, "is_preview", False)
        or (user is not None and user.is_authenticated)
        or response.cookies
        or nonce
        or getattr(request, "META", {}).get("CSRF_COOKIE_NEEDS_UPDATE")
    )


def cache_public_page(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Add Cache-Control and an ETag to a rendered page, answering 304 when it matches."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    patch_vary_headers(response, ["Cookie"])
    if _is_personal(request, response):
        patch_cache_control(response, private=True, no_cache=True)
        return response
    digest = hashlib.sha256(response.content).hexdigest()[:32]
    response["ETag"] = quote_etag(digest)
    patch_cache_control(
        response, public=True, max_age=settings.PUBLIC_PAGE_MAX_AGE, must_revalidate=True
    )
    conditional = get_conditional_response(request, etag=response["ETag"], response=response)
    return conditional if conditional is not None else response


class PermissionsPolicyMiddleware:
    """Add `Permissions-Policy` (settings.PERMISSIONS_POLICY) to every response, cached ones too:
    the site uses no camera, microphone, location, payment or sensor, so nothing may ask."""

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "PERMISSIONS_POLICY", {})
        self.value = ", ".join(
            f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.value and not response.has_header("Permissions-Policy"):
            response["Permissions-Policy"] = self.value
        return response


def public_cache(view):
    """Decorate a public view (feed, sitemap, search) with the same caching as pages."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        return cache_public_page(request, view(request, *args, **kwargs))

    return wrapped
