"""What stamps a new content version: publishing, moving or deleting a page, and saving or
deleting any model whose rows appear in public output (snippets, images, documents, site
settings, sites, view restrictions, redirects). Connected per sender from
`ServingConfig.ready()`."""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models.signals import post_delete, post_save

from cms.serving.cache import invalidate


def content_models() -> list[type[models.Model]]:
    """Models whose rows appear in public output, besides pages."""
    from wagtail.contrib.redirects.models import Redirect
    from wagtail.contrib.settings.models import BaseGenericSetting, BaseSiteSetting
    from wagtail.documents.models import AbstractDocument
    from wagtail.images.models import AbstractImage
    from wagtail.models import BaseViewRestriction, Site
    from wagtail.snippets.models import get_snippet_models

    # View restrictions: making a page private (or public again) changes every listing.
    bases = (
        AbstractImage,
        AbstractDocument,
        BaseSiteSetting,
        BaseGenericSetting,
        Site,
        BaseViewRestriction,
        Redirect,  # the redirects endpoint lists them
    )
    snippets = set(get_snippet_models())
    return [
        model
        for model in apps.get_models()
        if not model._meta.abstract and (issubclass(model, bases) or model in snippets)
    ]


def on_content_saved(sender, instance, raw=False, created=False, **kwargs) -> None:
    if raw:
        return
    from wagtail.contrib.settings.models import BaseSiteSetting

    if created and isinstance(instance, BaseSiteSetting):
        return  # made with its defaults on first read: what was shown already
    invalidate(instance)


def on_deleted(sender, instance, **kwargs) -> None:
    invalidate(instance)


def on_page_change(sender, instance, **kwargs) -> None:
    """Page rows are saved for drafts too: pages count when published, unpublished or moved."""
    invalidate(instance)


def connect() -> None:
    """Called once from ServingConfig.ready(), after every app's snippets are registered."""
    from wagtail.models import Page, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(on_page_change, dispatch_uid="content-cache-published")
    page_unpublished.connect(on_page_change, dispatch_uid="content-cache-unpublished")
    post_page_move.connect(on_page_change, dispatch_uid="content-cache-moved")
    for model in {Page, *get_page_models()}:
        post_delete.connect(on_deleted, sender=model, dispatch_uid=f"content-cache-deleted-{model}")
    for model in content_models():
        uid = f"content-cache-{model._meta.label}"
        post_save.connect(on_content_saved, sender=model, dispatch_uid=f"{uid}-saved")
        post_delete.connect(on_deleted, sender=model, dispatch_uid=f"{uid}-deleted")
