"""API fields of the practice's base page: SEO and JSON-LD, with their JSON schema; and the
resolved button's schema, shared by calls to action, the practice's details and service pages.

The generic field machinery (``SchemaField``, image/page/tag fields) is the headless layer's
(``cms.headless.fields``); these two read the practice settings and PracticePage methods.
"""

from __future__ import annotations

from typing import Any

from cms.headless.fields import IMAGE_SCHEMA, SchemaField, nullable, register_schema
from cms.headless.representation import image_representation

SEO_SCHEMA: dict[str, Any] = register_schema(
    "Seo",
    {
        "type": "object",
        "description": "What search engines and social networks are told about the page.",
        "properties": {
            "title": {"type": "string"},
            "description": {"type": "string"},
            "canonical": {"type": ["string", "null"]},
            "social_image": nullable(IMAGE_SCHEMA),
        },
        "required": ["title", "description", "canonical", "social_image"],
    },
)

JSONLD_SCHEMA: dict[str, Any] = register_schema(
    "JsonLd",
    {
        "type": "object",
        "description": "The page's schema.org JSON-LD, as embedded in its HTML.",
        "properties": {"@context": {"const": "https://schema.org"}, "@graph": {"type": "array"}},
        "required": ["@context", "@graph"],
    },
)

#: A resolved button: the link (`tel:`, a page path or a URL) and its words.
BUTTON_SCHEMA: dict[str, Any] = register_schema(
    "Button",
    {
        "type": "object",
        "properties": {"href": {"type": "string"}, "label": {"type": "string"}},
        "required": ["href", "label"],
    },
)


def _seo(page: Any, context: dict) -> dict[str, Any]:
    request = context.get("request")
    return {
        "title": page.get_meta_title(),
        "description": page.get_meta_description(),
        "canonical": page.get_full_url(request),
        "social_image": image_representation(page.get_social_image(page.get_practice(request))),
    }


def _jsonld(page: Any, context: dict) -> dict[str, Any]:
    return page.get_structured_data(context.get("request"))


def seo_field() -> SchemaField:
    """SEO title, description, canonical URL and social image (PracticePage fallbacks)."""
    return SchemaField(SEO_SCHEMA, _seo, with_context=True, source="*")


def jsonld_field() -> SchemaField:
    """The page's JSON-LD, from the page's own structured-data builder."""
    return SchemaField(JSONLD_SCHEMA, _jsonld, with_context=True, source="*")
