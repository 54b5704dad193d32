"""One place that turns images, pages and snippets into API-friendly dictionaries.

Every block or field that holds an image, a page or a snippet builds its API representation
through these functions, so a headless consumer always gets the same shapes:

- image: ``{"id", "title", "url", "width", "height", "alt", "renditions": {name: {"url",
  "width", "height"}}}``; ``alt`` is ``""`` for a decorative image.
- page: ``{"id", "title", "url"}``; ``url`` is site-relative (the page's public path).
- snippet: the snippet's own ``api_representation(context)`` (public fields only, nested
  images/pages expanded with the functions above), plus ``"id"``.

Renditions are the fixed set in ``IMAGE_RENDITIONS``, so an API consumer can build a ``srcset``.
Media URLs are absolute (``media_url``), like the canonical and JSON-LD URLs: a frontend on
another host can use them as they are.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from wagtail.images.models import AbstractImage
from wagtail.models import Page

from cms.serving.refdata import is_public, memoized, site_for_request

IMAGE_RENDITIONS: dict[str, str] = {
    "small": "width-480",
    "medium": "width-960",
    "large": "width-1600",
    "social": "fill-1200x630",
}


def media_url(url: str) -> str:
    """A file's URL made absolute: a storage that gives absolute URLs (S3, a CDN) is kept; a
    site-relative one (`/media/...`) is joined to WAGTAILAPI_BASE_URL, the site's base URL."""
    if url.startswith("/") and not url.startswith("//"):
        return settings.WAGTAILAPI_BASE_URL.rstrip("/") + url
    return url


def image_representation(
    image: AbstractImage | None, *, alt: str | None = None
) -> dict[str, Any] | None:
    """An image as url/size/alt plus the standard renditions; None when no image is set."""
    if image is None:
        return None
    shared = memoized(("image", image.pk), lambda: _image_representation(image))
    if alt is None or alt == shared["alt"]:
        return shared
    return {**shared, "alt": alt}


def _image_representation(image: AbstractImage) -> dict[str, Any]:
    renditions = image.get_renditions(*IMAGE_RENDITIONS.values())
    return {
        "id": image.pk,
        "title": image.title,
        "url": media_url(image.file.url),
        "width": image.width,
        "height": image.height,
        # The description is the alt text; empty means decorative, never the title (a file name).
        "alt": image.description,
        "renditions": {
            name: {
                "url": media_url(renditions[spec].url),
                "width": renditions[spec].width,
                "height": renditions[spec].height,
            }
            for name, spec in IMAGE_RENDITIONS.items()
        },
    }


def page_representation(page: Page | None) -> dict[str, Any] | None:
    """A linked page as id, title and public URL; None when unset, not live or private (under a
    view restriction: its title is not for everyone)."""
    if page is None or not page.live or not is_public(page):
        return None
    return {"id": page.pk, "title": page.title, "url": page.url}


def snippet_representation(snippet: Any, context: dict | None = None) -> dict[str, Any] | None:
    """A snippet's public fields, expanded (the model defines ``api_representation``)."""
    if snippet is None:
        return None
    context = context or {}
    request = context.get("request")
    site = site_for_request(request) if request is not None else None
    key = ("snippet", snippet._meta.label, snippet.pk, site.pk if site else None)
    return memoized(key, lambda: {"id": snippet.pk, **snippet.api_representation(context)})


def represent(value: Any, context: dict | None = None) -> Any:
    """Dispatch on the value's type: image, page or snippet; anything else is returned as is."""
    if isinstance(value, AbstractImage):
        return image_representation(value)
    if isinstance(value, Page):
        return page_representation(value)
    if hasattr(value, "api_representation"):
        return snippet_representation(value, context)
    return value
