"""The content cache: one version stamp for everything public, and the one place that changes it.

Every public response built from content (API JSON, and the HTML pages) depends on the content
version. When an editor publishes, unpublishes, moves or deletes a page, or saves a snippet, image,
document or site setting, `invalidate()` stamps a new version: every server-side cache entry made
under an older version is a miss from then on, in every process. The version is stamped at once
and again when the transaction commits, so a request that read the old rows in between cannot
store them under the new version.

When `WAGTAILFRONTENDCACHE` is configured, the same call purges the affected URLs from the CDN:
the HTML of every page that changed or uses the changed object (Wagtail's reference index), the
page's API detail and `find` URLs, and the API listings.

A cache that is down is a miss, never an error.
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers

logger = logging.getLogger(__name__)

VERSION_KEY = "content:version"
ENTRY_PREFIX = "content:response:"
ENTRY_TIMEOUT = 24 * 3600


# Version --------------------------------------------------------------------------------------


def content_version() -> str:
    """The current content version; a fresh one is stamped when the cache holds none."""
    try:
        version = cache.get(VERSION_KEY)
    except Exception:
        logger.warning("content cache unavailable reading the version", exc_info=True)
        return "unavailable"
    return version or bump_content_version()


def bump_content_version() -> str:
    version = uuid.uuid4().hex
    try:
        cache.set(VERSION_KEY, version, timeout=None)
    except Exception:
        logger.warning("content cache unavailable stamping a version", exc_info=True)
    return version


def invalidate(changed: models.Model | None = None) -> None:
    """Content changed: new version now and after commit, and purge the CDN when configured."""
    bump_content_version()
    transaction.on_commit(bump_content_version)
    if changed is not None and frontend_cache_configured():
        urls = affected_urls(changed)
        transaction.on_commit(lambda: _purge(urls))


# Affected URLs (CDN purges) -------------------------------------------------------------------


def frontend_cache_configured() -> bool:
    return bool(
        getattr(settings, "WAGTAILFRONTENDCACHE", None)
        or getattr(settings, "WAGTAILFRONTENDCACHE_LOCATION", None)
    )


def affected_pages(changed: models.Model) -> list:
    """The pages whose output shows `changed`: the page itself, and pages that reference it."""
    from wagtail.models import Page, ReferenceIndex

    pages = [changed] if isinstance(changed, Page) else []
    references = ReferenceIndex.get_references_to(changed).filter(
        base_content_type__model="page", base_content_type__app_label="wagtailcore"
    )
    page_ids = {int(pk) for pk in references.values_list("object_id", flat=True)}
    page_ids -= {page.pk for page in pages}
    return pages + list(Page.objects.filter(pk__in=page_ids))


def api_urls_for_pages(pages: Iterable) -> set[str]:
    base = settings.WAGTAILAPI_BASE_URL.rstrip("/")
    urls = {f"{base}/api/v2/pages/"}
    for page in pages:
        urls.add(f"{base}/api/v2/pages/{page.pk}/")
        if page.url_path:
            urls.add(f"{base}/api/v2/pages/find/?html_path={page.get_url() or ''}")
    return urls


def affected_urls(changed: models.Model) -> set[str]:
    from wagtail.contrib.frontend_cache.utils import PurgeBatch

    pages = affected_pages(changed)
    batch = PurgeBatch()
    batch.add_pages(pages)
    return set(batch.urls) | api_urls_for_pages(pages)


def _purge(urls: set[str]) -> None:
    from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache

    try:
        purge_urls_from_cache(sorted(urls))
    except Exception:
        logger.exception("frontend cache purge failed")


# Signals --------------------------------------------------------------------------------------


def _is_content_model(model: type[models.Model]) -> bool:
    """Models whose rows appear in public output: snippets, images, documents, site settings."""
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import Site
    from wagtail.snippets.models import get_snippet_models

    return issubclass(
        model, (AbstractImage, AbstractDocument, BaseSiteSetting, BaseGenericSetting, Site)
    ) or model in set(get_snippet_models())


_content_model_cache: dict[type, bool] = {}


def _known_content_model(model: type[models.Model]) -> bool:
    known = _content_model_cache.get(model)
    if known is None:
        known = _content_model_cache[model] = _is_content_model(model)
    return known


def _on_saved(sender, instance, raw=False, created=False, **kwargs) -> None:
    # Page rows are saved for drafts too; pages count when published, moved or deleted.
    if raw or not _known_content_model(sender):
        return
    from wagtail.contrib.settings.models import BaseSiteSetting

    if created and isinstance(instance, BaseSiteSetting):
        return  # made with its defaults on first read: what was shown already
    invalidate(instance)


def _on_deleted(sender, instance, **kwargs) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page) or _known_content_model(sender):
        invalidate(instance)


def _on_page_change(sender, instance, **kwargs) -> None:
    invalidate(instance)


def connect_signals() -> None:
    """Called once from HomeConfig.ready()."""
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(_on_page_change, dispatch_uid="content-cache-published")
    page_unpublished.connect(_on_page_change, dispatch_uid="content-cache-unpublished")
    post_page_move.connect(_on_page_change, dispatch_uid="content-cache-moved")
    post_save.connect(_on_saved, dispatch_uid="content-cache-saved")
    post_delete.connect(_on_deleted, dispatch_uid="content-cache-deleted")


# Responses ------------------------------------------------------------------------------------


def etag_for(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag in candidates


def cache_control() -> str:
    """Clients revalidate every time (cheap with ETag); a purged CDN may keep it longer."""
    value = "public, max-age=0, must-revalidate"
    if frontend_cache_configured():
        value += f", s-maxage={getattr(settings, 'API_CDN_MAX_AGE', 300)}"
    return value


class ApiResponseCacheMiddleware:
    """Server-side cache, ETag and 304 for the read-only API.

    API responses do not depend on who asks (only public pages are served, to everyone alike), so
    one entry per host and full path serves every client. The entry is looked up together with the
    content version in one round trip, and used only when it was made under that version.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.prefix = getattr(settings, "API_CACHE_PREFIX", "/api/v2/")
        self.exclude = tuple(getattr(settings, "API_CACHE_EXCLUDE", ()))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            request.method not in {"GET", "HEAD"}
            or not path.startswith(self.prefix)
            or path.startswith(self.exclude)
        ):
            return self.get_response(request)

        key = (
            ENTRY_PREFIX
            + hashlib.blake2b(
                f"{request.get_host()}{request.get_full_path()}".encode(), digest_size=20
            ).hexdigest()
        )
        try:
            found = cache.get_many([VERSION_KEY, key])
        except Exception:
            logger.warning("content cache unavailable", exc_info=True)
            found = {}
        version = found.get(VERSION_KEY)
        entry = found.get(key)
        if entry is not None and version is not None and entry[0] == version:
            _, etag, content_type, body = entry
            response = HttpResponse(body, content_type=content_type)
            response["ETag"] = etag
            response["X-Cache"] = "hit"
            return self._finish(request, response, etag)

        if version is None:
            version = content_version()
        response = self.get_response(request)
        if response.status_code != 200 or response.streaming:
            return response
        if response.get("Cache-Control", "").startswith(("no-store", "private", "no-cache")):
            return response
        body = response.content
        etag = etag_for(body)
        response["ETag"] = etag
        response["X-Cache"] = "miss"
        if not response.cookies and version != "unavailable":
            try:
                cache.set(key, (version, etag, response["Content-Type"], body), ENTRY_TIMEOUT)
            except Exception:
                logger.warning("content cache unavailable storing a response", exc_info=True)
        return self._finish(request, response, etag)

    @staticmethod
    def _finish(request: HttpRequest, response: HttpResponse, etag: str) -> HttpResponse:
        response["Cache-Control"] = cache_control()
        patch_vary_headers(response, ["Origin"])
        if etag_matches(request, etag):
            not_modified = HttpResponseNotModified()
            for header in ("ETag", "Cache-Control", "Vary", "X-Cache"):
                not_modified[header] = response[header]
            return not_modified
        return response
