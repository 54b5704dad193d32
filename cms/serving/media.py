"""Uploaded images served by the application itself, for a practice on one host (`make serve`).

Only image files are served here (`original_images/`, `images/`): a rendition's or an upload's
name never changes its content (Wagtail names renditions after the original's file and filter,
and a replaced upload gets a new name), so they carry a year's `Cache-Control: immutable`.
Documents are never served from here: Wagtail's document view checks their collection's privacy.
With media on object storage (`MEDIA_S3_BUCKET`) the storage serves them and this view is off.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.static import serve

PUBLIC_FOLDERS = ("original_images/", "images/")
ONE_YEAR = 365 * 24 * 3600


def serve_media(request: HttpRequest, path: str) -> HttpResponse:
    if not path.startswith(PUBLIC_FOLDERS):
        raise Http404("not a public media file")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = f"public, max-age={ONE_YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response
