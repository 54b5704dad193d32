"""Which changes send webhooks: page publish, unpublish, move and delete; snippet and image saves
and deletes. Connected per sender from `IntegrationsConfig.ready()`."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete

from .models import WebhookEndpoint
from .webhooks import object_targets, page_targets, queue_event

Event = WebhookEndpoint.Event


def on_published(sender, instance, **kwargs) -> None:
    queue_event(Event.PUBLISH, page_targets(instance))


def on_unpublished(sender, instance, **kwargs) -> None:
    queue_event(Event.UNPUBLISH, page_targets(instance))


def on_moved(sender, instance, url_path_before="", url_path_after="", **kwargs) -> None:
    if url_path_before == url_path_after:
        return  # a reorder among siblings: no URL changed
    old_url = None
    site = instance.get_site()
    if site is not None and url_path_before.startswith(site.root_page.url_path):
        old_path = url_path_before[len(site.root_page.url_path) - 1 :]
        old_url = site.root_url + old_path
    queue_event(Event.MOVE, page_targets(instance, old_url=old_url))


def on_page_deleting(sender, instance, **kwargs) -> None:
    """Before the row goes, while its URL and parent can still be worked out."""
    if instance.live:
        instance._webhook_targets = page_targets(instance)


def on_page_deleted(sender, instance, **kwargs) -> None:
    targets = getattr(instance, "_webhook_targets", None)
    if targets is not None:
        queue_event(Event.DELETE, targets)


def on_object_changed(sender, instance, raw: bool = False, **kwargs: Any) -> None:
    """A saved or deleted image or snippet (snippets are registered after this app is ready,
    so the sender is checked here rather than at connect time)."""
    from wagtail.images import get_image_model
    from wagtail.snippets.models import get_snippet_models

    if raw:
        return
    if sender is get_image_model():
        queue_event(Event.IMAGE, object_targets(instance, "image"))
    elif sender in get_snippet_models():
        queue_event(Event.SNIPPET, object_targets(instance, "snippet"))


def connect() -> None:
    from wagtail.models import Page, get_page_models
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(on_published, dispatch_uid="webhooks-published")
    page_unpublished.connect(on_unpublished, dispatch_uid="webhooks-unpublished")
    post_page_move.connect(on_moved, dispatch_uid="webhooks-moved")
    for model in {Page, *get_page_models()}:
        uid = f"webhooks-page-{model._meta.label}"
        pre_delete.connect(on_page_deleting, sender=model, dispatch_uid=f"{uid}-deleting")
        post_delete.connect(on_page_deleted, sender=model, dispatch_uid=f"{uid}-deleted")
    post_save.connect(on_object_changed, dispatch_uid="webhooks-object-saved")
    post_delete.connect(on_object_changed, dispatch_uid="webhooks-object-deleted")
