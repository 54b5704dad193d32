"""Headless preview: an editor previews a draft in the configured frontend app.

wagtail-headless-preview 0.9 imports and runs on Wagtail 8, but its tokens never expire (they are
unsigned without a max age), it replaces the site's own HTML preview, and it keeps every previewed
draft in a database table that is cleaned only daily. This is the same flow with those fixed:

1. A page type gets a second preview mode, "Frontend app", when `HEADLESS_PREVIEW_URLS` names a
   frontend for the page's site (or a `default` one). The site's HTML preview stays the default.
2. Choosing it stores the draft (the unsaved editor state, as JSON) in the cache under a signed
   token valid for `HEADLESS_PREVIEW_SECONDS`, and shows the frontend in the preview panel at
   `<frontend url>?content_type=blog.BlogPage&token=<token>` (any case is accepted back).
3. The frontend asks `GET /api/v2/preview/?content_type=...&token=...` and gets the draft in the
   same JSON shape as `/api/v2/pages/{id}/` (never cached, `Cache-Control: no-store`).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner
from django.http import HttpRequest, HttpResponse
from django.utils.csp import CSP
from django.utils.html import format_html

# The module's old name: tokens signed before it moved here must keep verifying.
SALT = "home.api_preview"
CACHE_PREFIX = "preview:"


def preview_seconds() -> int:
    return int(getattr(settings, "HEADLESS_PREVIEW_SECONDS", 900))


def frontend_url_for(site: Any) -> str:
    """The frontend preview URL for `site` (by hostname), else the `default` one, else ''."""
    urls: dict[str, str] = getattr(settings, "HEADLESS_PREVIEW_URLS", {}) or {}
    hostname = getattr(site, "hostname", None)
    return urls.get(hostname or "", "") or urls.get("default", "")


def content_type_label(page: Any) -> str:
    """`app_label.ModelName`, as the page's `type` and `meta.type` in the API."""
    return f"{page._meta.app_label}.{type(page).__name__}"


def store_preview(page: Any) -> str:
    """Keep the draft for the token's lifetime; return the signed token."""
    token = TimestampSigner(salt=SALT).sign(uuid.uuid4().hex)
    cache.set(
        CACHE_PREFIX + token,
        {"content_type": content_type_label(page), "pk": page.pk, "json": page.to_json()},
        timeout=preview_seconds(),
    )
    return token


class PreviewError(LookupError):
    """The token is unknown, expired or for another page type."""


def load_preview(content_type: str, token: str) -> Any:
    """The draft page stored under `token`, as an unsaved page instance."""
    try:
        TimestampSigner(salt=SALT).unsign(token, max_age=preview_seconds())
    except (BadSignature, SignatureExpired) as exc:
        raise PreviewError("the preview token is invalid or has expired") from exc
    stored = cache.get(CACHE_PREFIX + token)
    # Any case: `blog.BlogPage` (as `meta.type`) and `blog.blogpage` (Django's label) alike.
    if stored is None or stored["content_type"].lower() != content_type.lower():
        raise PreviewError("no preview for this token and content type")
    app_label, model_name = stored["content_type"].split(".", 1)
    model = apps.get_model(app_label, model_name)
    page = model.from_json(stored["json"])
    page.pk = page.id = stored["pk"] or 0
    return page


class HeadlessPreviewMixin:
    """Adds the "Frontend app" preview mode to a page type (see the module docstring)."""

    HEADLESS_MODE = "headless"

    @property
    def preview_modes(self):
        modes = list(super().preview_modes)
        if getattr(settings, "HEADLESS_PREVIEW_URLS", None):
            modes.append((self.HEADLESS_MODE, "Frontend app"))
        return modes

    def serve_preview(self, request: HttpRequest, mode_name: str):
        if mode_name != self.HEADLESS_MODE:
            return super().serve_preview(request, mode_name)
        from wagtail.models import Site

        frontend = frontend_url_for(Site.find_for_request(request))
        if not frontend:
            return HttpResponse("No frontend preview URL is configured for this site.", status=404)
        token = store_preview(self)
        query = urlencode({"content_type": content_type_label(self), "token": token})
        url = f"{frontend}{'&' if '?' in frontend else '?'}{query}"
        response = HttpResponse(
            format_html(
                '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
                "<title>Preview</title></head>"
                '<body style="margin:0"><iframe src="{}" title="Frontend preview" '
                'style="border:0;width:100%;height:100vh"></iframe></body></html>',
                url,
            )
        )
        origin = "{0.scheme}://{0.netloc}".format(urlsplit(frontend))
        response._csp_config = {
            **settings.ADMIN_CSP,
            "frame-src": [CSP.SELF, origin],
        }
        response["Cache-Control"] = "no-store"
        return response
