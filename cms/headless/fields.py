"""API field serializers that know their own JSON schema.

A page model lists its API fields as ``APIField(name, serializer=...)`` with the serializers
below; the OpenAPI document (``cms.headless.openapi``) reads each serializer's ``openapi_schema``,
so the schema is written from the same declaration that produces the JSON and cannot drift from
it. Shapes of images, pages and snippets come from ``cms.headless.representation``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rest_framework import serializers

from cms.headless.representation import IMAGE_RENDITIONS, image_representation, page_representation

#: Shapes used in several places (SEO, a card, a button), by their component name in the OpenAPI
#: document (``cms.headless.openapi``), which holds each once and `$ref`s every copy.
SHARED_SCHEMAS: dict[str, dict[str, Any]] = {}


def register_schema(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Name a shape that appears in several places (returns it, to assign where it is declared)."""
    SHARED_SCHEMAS[name] = schema
    return schema


RENDITION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "url": {"type": "string"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
    },
    "required": ["url", "width", "height"],
    "additionalProperties": False,
}

IMAGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An image with its original size, alt text and renditions for `srcset`.",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": "string"},
        "width": {"type": "integer"},
        "height": {"type": "integer"},
        "alt": {"type": "string", "description": "Empty for a decorative image."},
        "renditions": {
            "type": "object",
            "properties": dict.fromkeys(IMAGE_RENDITIONS, RENDITION_SCHEMA),
            "required": list(IMAGE_RENDITIONS),
            "additionalProperties": False,
        },
    },
    "required": ["id", "title", "url", "width", "height", "alt", "renditions"],
    "additionalProperties": False,
}

PAGE_LINK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "A linked page: its id (for /api/v2/pages/{id}/), title and public path.",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": ["string", "null"]},
    },
    "required": ["id", "title", "url"],
    "additionalProperties": False,
}


def nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema, or null."""
    return {"anyOf": [schema, {"type": "null"}]}


class SchemaField(serializers.Field):
    """A read-only field computed by a function of the attribute, with a declared schema."""

    def __init__(
        self,
        schema: dict[str, Any],
        represent: Callable[[Any], Any] | None = None,
        *,
        with_context: bool = False,
        **kwargs: Any,
    ):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)
        self.openapi_schema = schema
        self.represent = represent
        self.with_context = with_context

    def __deepcopy__(self, memo):
        # DRF copies declared fields for every serializer instance, deep-copying the arguments;
        # the schema and the function are constants, so they are shared, not copied.
        return self.__class__(*self._args, **self._kwargs)

    def get_attribute(self, instance):
        value = super().get_attribute(instance)
        return value() if callable(value) and not hasattr(value, "all") else value

    def to_representation(self, value):
        if self.represent is None:
            return value
        if self.with_context:
            return self.represent(value, self.context)
        return self.represent(value)


def image_field(**kwargs: Any) -> SchemaField:
    """An image foreign key as url/size/alt/renditions (null when unset)."""
    return SchemaField(nullable(IMAGE_SCHEMA), image_representation, **kwargs)


def page_field(**kwargs: Any) -> SchemaField:
    """A page foreign key as id/title/url (null when unset or not live)."""
    return SchemaField(nullable(PAGE_LINK_SCHEMA), page_representation, **kwargs)


def tags_field(**kwargs: Any) -> SchemaField:
    """Tag names, sorted, from the page's `get_tags()` (loaded for many pages at once)."""
    return SchemaField(
        {"type": "array", "items": {"type": "string"}},
        lambda page: sorted(tag.name for tag in page.get_tags()),
        source="*",
        **kwargs,
    )


def object_list_field(
    item_schema: dict[str, Any], represent: Callable[..., Any], **kwargs: Any
) -> SchemaField:
    """A to-many relation as a list of expanded objects (reads prefetched rows)."""
    return SchemaField(
        {"type": "array", "items": item_schema},
        lambda manager, context: [represent(obj, context) for obj in manager.all()],
        with_context=True,
        **kwargs,
    )


def computed_field(schema: dict[str, Any], **kwargs: Any) -> SchemaField:
    """A property or method of the model whose value is already JSON-ready."""
    return SchemaField(schema, None, **kwargs)


def string_field(**kwargs: Any) -> SchemaField:
    return computed_field({"type": "string"}, **kwargs)


def integer_field(**kwargs: Any) -> SchemaField:
    return computed_field({"type": "integer"}, **kwargs)
