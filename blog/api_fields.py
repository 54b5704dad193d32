"""API fields of articles: authors, categories and related reading, with their JSON schemas.

Used by ``BlogPage.api_fields`` (blog/models.py) and the author/category endpoints (blog/api.py).
Imports nothing from blog.models at module level: models.py imports this module.
"""

from __future__ import annotations

from typing import Any

from cms.headless.fields import IMAGE_SCHEMA, SchemaField, nullable
from cms.headless.representation import snippet_representation

AUTHOR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An author with credentials, license, headshot renditions and bios (HTML).",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "slug": {"type": "string"},
        "honorific": {"type": "string"},
        "display_name": {"type": "string"},
        "credentials": {"type": "array", "items": {"type": "string"}},
        "job_title": {"type": "string"},
        "license": {
            "type": "object",
            "properties": {
                "type": {"type": "string"},
                "title": {"type": "string"},
                "number": {"type": "string"},
                "state": {"type": "string"},
                "issuer": {"type": "string"},
            },
            "required": ["type", "title", "number", "state", "issuer"],
        },
        "headshot": nullable(IMAGE_SCHEMA),
        "short_bio": {"type": "string"},
        "long_bio": {"type": "string"},
        "profile_links": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"network": {"type": "string"}, "url": {"type": "string"}},
                "required": ["network", "url"],
            },
        },
    },
    "required": [
        "id",
        "name",
        "slug",
        "display_name",
        "credentials",
        "license",
        "headshot",
        "short_bio",
        "profile_links",
    ],
}

CATEGORY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "slug": {"type": "string"},
        "description": {"type": "string"},
    },
    "required": ["id", "name", "slug", "description"],
}

ARTICLE_LINK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Another article: id (for /api/v2/pages/{id}/), title, public path, summary.",
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": ["string", "null"]},
        "summary": {"type": "string"},
    },
    "required": ["id", "title", "url", "summary"],
}


def category_representation(category: Any) -> dict[str, Any]:
    return {
        "id": category.pk,
        "name": category.name,
        "slug": category.slug,
        "description": category.description,
    }


def _authors(page: Any, context: dict) -> list[dict[str, Any]]:
    # Loaded for many pages at once by blog.models.load_relations (blog.api).
    return [snippet_representation(author, context) for author in page.get_authors()]


def _categories(page: Any) -> list[dict[str, Any]]:
    return [category_representation(category) for category in page.get_categories()]


def _related(page: Any) -> list[dict[str, Any]]:
    # get_related_articles lists live articles no view restriction covers (article_listing).
    return [
        {"id": other.pk, "title": other.title, "url": other.url, "summary": other.summary}
        for other in page.get_related_articles(cards=False)
    ]


def authors_field() -> SchemaField:
    """The article's authors in byline order, expanded."""
    return SchemaField(
        {"type": "array", "items": AUTHOR_SCHEMA}, _authors, with_context=True, source="*"
    )


def categories_field() -> SchemaField:
    return SchemaField({"type": "array", "items": CATEGORY_SCHEMA}, _categories, source="*")


def related_articles_field() -> SchemaField:
    """Chosen further reading, else articles sharing a category (detail only)."""
    return SchemaField({"type": "array", "items": ARTICLE_LINK_SCHEMA}, _related, source="*")


TOC_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": "The article's headings, for a table of contents.",
    "items": {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "anchor": {"type": "string"},
            "level": {"type": "string", "enum": ["h2", "h3"]},
        },
        "required": ["text", "anchor", "level"],
    },
}
