"""Batch loading for API responses, so query counts do not grow with articles or blocks.

- `prefetch_streams(pages)`: for every StreamField of the given pages, each block type's chosen
  objects (images, pages, snippets) are loaded with one `bulk_to_python` call across all pages,
  instead of one per page.
- `rich_text_links(pages)`: a context in which the page and document links of every rich text in
  those pages are already loaded, so expanding rich text to HTML (once per block) costs no query.
  It works through link handlers registered for the `page` and `document` link types that read the
  preloaded objects first and fall back to Wagtail's lookup outside the context.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from wagtail.blocks import StreamValue
from wagtail.documents.rich_text import DocumentLinkHandler
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.rich_text.pages import PageLinkHandler

from cms.serving.refdata import memoized_many

LINK_TAG = re.compile(r"<a\s[^>]*>")
LINK_TYPE = re.compile(r'linktype="(page|document)"')
LINK_ID = re.compile(r'\bid="(\d+)"')

_preloaded: ContextVar[dict[tuple[str, str], Any] | None] = ContextVar(
    "api_preloaded_links", default=None
)


# Streams --------------------------------------------------------------------------------------


def _stream_values(pages: Iterable[Any]) -> list[StreamValue]:
    values = []
    for page in pages:
        for field in type(page)._meta.concrete_fields:
            if isinstance(field, StreamField) and field.attname in page.__dict__:
                value = getattr(page, field.attname)
                if isinstance(value, StreamValue):
                    values.append(value)
    return values


def prefetch_streams(pages: Iterable[Any]) -> None:
    """Convert each block type's raw values across all pages' streams in one bulk call."""
    pending: dict[tuple[int, str], list[tuple[StreamValue, int]]] = defaultdict(list)
    for stream in _stream_values(pages):
        raw = stream._raw_data
        for index, item in enumerate(raw):
            if (
                stream._bound_blocks[index] is None
                and item["type"] in stream.stream_block.child_blocks
            ):
                pending[(id(stream.stream_block), item["type"])].append((stream, index))
    for (_, type_name), slots in pending.items():
        child_block = slots[0][0].stream_block.child_blocks[type_name]
        converted = child_block.bulk_to_python(
            [stream._raw_data[index]["value"] for stream, index in slots]
        )
        for (stream, index), value in zip(slots, converted, strict=True):
            stream._bound_blocks[index] = StreamValue.StreamChild(
                child_block, value, id=stream._raw_data[index].get("id")
            )


# Rich text links ------------------------------------------------------------------------------


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _page_texts(page: Any) -> Iterator[str]:
    for field in type(page)._meta.concrete_fields:
        if field.attname not in page.__dict__:
            continue
        if isinstance(field, StreamField):
            value = getattr(page, field.attname)
            if isinstance(value, StreamValue):
                yield from _strings(value._raw_data)
        elif isinstance(field, RichTextField):
            yield getattr(page, field.attname) or ""


def link_targets(texts: Iterable[str]) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {"page": set(), "document": set()}
    for text in texts:
        if "linktype=" not in text:
            continue
        for tag in LINK_TAG.findall(text):
            kind, pk = LINK_TYPE.search(tag), LINK_ID.search(tag)
            if kind and pk:
                found[kind.group(1)].add(pk.group(1))
    return found


@contextmanager
def rich_text_links(pages: Iterable[Any]) -> Iterator[None]:
    """Preload the targets of rich text links in `pages` for the duration of the block."""
    pages = list(pages)
    targets = link_targets(text for page in pages for text in _page_texts(page))
    preloaded: dict[tuple[str, str], Any] = {}
    if targets["page"]:
        PrefetchedPageLinkHandler.load(targets["page"], preloaded)
    if targets["document"]:
        PrefetchedDocumentLinkHandler.load(targets["document"], preloaded)
    token = _preloaded.set(preloaded)
    try:
        yield
    finally:
        _preloaded.reset(token)


class _PreloadedMixin:
    identifier: str

    @classmethod
    def fetch(cls, ids: list[str]) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def load(cls, ids: Iterable[str], into: dict[tuple[str, str], Any]) -> None:
        ids = [str(pk) for pk in ids]
        found = cls.fetch(ids)
        for pk in ids:
            into[(cls.identifier, pk)] = found.get(pk)

    @classmethod
    def get_many(cls, attrs_list: list[dict]) -> list[Any]:
        preloaded = _preloaded.get()
        if preloaded is None:
            return super().get_many(attrs_list)
        ids = [str(attrs.get("id")) for attrs in attrs_list]
        missing = [pk for pk in ids if (cls.identifier, pk) not in preloaded]
        if missing:
            cls.load(missing, preloaded)
        return [preloaded[(cls.identifier, pk)] for pk in ids]


def _link_targets(kind: str, ids: list[str], load) -> dict[str, Any]:
    """Link targets are reference data (cms.serving.refdata): loaded once per content version."""
    found = memoized_many(f"link:{kind}", [int(pk) for pk in ids if pk.isdigit()], load)
    return {str(pk): obj for pk, obj in found.items() if obj is not None}


class PrefetchedPageLinkHandler(_PreloadedMixin, PageLinkHandler):
    @classmethod
    def fetch(cls, ids: list[str]) -> dict[str, Any]:
        def load(pks: list[int]) -> dict[int, Any]:
            pages = Page.objects.filter(id__in=pks).defer_streamfields().specific()
            return {page.pk: page for page in pages}

        return _link_targets("page", ids, load)


class PrefetchedDocumentLinkHandler(_PreloadedMixin, DocumentLinkHandler):
    @classmethod
    def fetch(cls, ids: list[str]) -> dict[str, Any]:
        return _link_targets("document", ids, cls.get_model().objects.in_bulk)


def register_link_handlers(features) -> None:
    """`register_rich_text_features` hook, after Wagtail's own (cms/serving/wagtail_hooks.py)."""
    features.register_link_type(PrefetchedPageLinkHandler)
    features.register_link_type(PrefetchedDocumentLinkHandler)
