"""Search and reference indexing deferred to the end of an import run.

Wagtail saves a page three times on import (created, revision, publish) and re-indexes it for
search and references after each save. During a run every saved object is only noted, and each is
indexed once when the run ends: a 500-post import makes a third of the index writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db.models.signals import post_save
from modelsearch import index
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update


@contextmanager
def deferred_indexing() -> Iterator[None]:
    """Index each object saved inside the block once, after it (even when the block fails)."""
    touched: dict[tuple[type, object], None] = {}
    searched = [
        model for model in index.get_indexed_models() if getattr(model, "search_auto_update", True)
    ]

    def note(sender, instance, raw=False, **kwargs):
        if not raw and instance.pk is not None:
            touched[(type(instance), instance.pk)] = None

    for model in searched:
        post_save.disconnect(post_save_signal_handler, sender=model)
    post_save.connect(note, weak=False, dispatch_uid="import-deferred-indexing")
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        post_save.disconnect(dispatch_uid="import-deferred-indexing")
        for model in searched:
            post_save.connect(post_save_signal_handler, sender=model)
        for model, pk in touched:
            tracked = ReferenceIndex.is_indexed(model)
            if not tracked and model not in searched:
                continue
            instance = model._default_manager.filter(pk=pk).first()
            if instance is None:
                continue
            if tracked:
                ReferenceIndex.create_or_update_for_object(instance)
            if model in searched:
                index.insert_or_update_object(instance)
