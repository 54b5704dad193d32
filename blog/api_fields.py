"""API fields of articles: authors, categories and related reading, with their JSON schemas.

Used by ``BlogPage.api_fields`` (blog/models.py) and the author/category endpoints (blog/api.py).
Imports nothing from blog.models at module level: models.py imports this module.
"""

from __future__ import annotations

from typing import Any

from cms.headless.fields import IMAGE_SCHEMA, SchemaField, nullable, register_schema
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
        "profile_url": {"type": "string", "description": "The author's profile page, or empty."},
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

AUTHOR_LINK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "An author named on a card: `/api/v2/authors/find/?slug=` has the rest.",
    "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "display_name": {"type": "string"},
        "slug": {"type": "string"},
    },
    "required": ["id", "name", "display_name", "slug"],
}

ARTICLE_CARD_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "Another article as a card: id (for /api/v2/pages/{id}/), title, public path, summary, "
        "date, authors and categories."
    ),
    "properties": {
        "id": {"type": "integer"},
        "title": {"type": "string"},
        "url": {"type": ["string", "null"]},
        "summary": {"type": "string"},
        "date_published": {"type": "string", "format": "date"},
        "authors": {"type": "array", "items": AUTHOR_LINK_SCHEMA},
        "categories": {"type": "array", "items": CATEGORY_SCHEMA},
    },
    "required": ["id", "title", "url", "summary", "date_published", "authors", "categories"],
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


def _author_link(author: Any) -> dict[str, Any]:
    return {
        "id": author.pk,
        "name": author.name,
        "display_name": author.display_name,
        "slug": author.slug,
    }


def _related(page: Any) -> list[dict[str, Any]]:
    # get_related_articles lists live articles no view restriction covers (article_listing),
    # loaded as cards: authors and categories of all of them in a fixed number of queries.
    cards = page.get_related_articles(cards=True)
    return [
        {
            "id": other.pk,
            "title": other.title,
            "url": other.url,
            "summary": other.summary,
            "date_published": other.date_published.isoformat(),
            "authors": [_author_link(author) for author in other.get_authors()],
            "categories": [category_representation(item) for item in other.get_categories()],
        }
        for other in cards
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
    return SchemaField({"type": "array", "items": ARTICLE_CARD_SCHEMA}, _related, source="*")


TOC_SCHEMA: dict[str, Any] = {
    "type": "array",
    "description": (
        "The article's headings, for a table of contents; empty when the editor turned the "
        "table of contents off (`show_table_of_contents`)."
    ),
    "items": register_schema(
        "TableOfContentsEntry",
        {
            "type": "object",
            "description": "A heading of the article: its text, its `id` in the page, its level.",
            "properties": {
                "text": {"type": "string"},
                "anchor": {"type": "string"},
                "level": {"type": "string", "enum": ["h2", "h3"]},
            },
            "required": ["text", "anchor", "level"],
        },
    ),
}
