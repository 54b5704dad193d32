"""Articles: the blog index, the article page, authors, categories and tags."""

from .importing import ImportedItem
from .pages import (
    ARTICLES_PER_PAGE,
    BlogIndexPage,
    BlogPage,
    BlogPageAuthor,
    BlogPageRelated,
    BlogPageTag,
    article_listing,
)
from .snippets import LICENSE_TYPES, Author, BlogCategory

__all__ = [
    "ARTICLES_PER_PAGE",
    "LICENSE_TYPES",
    "Author",
    "BlogCategory",
    "BlogIndexPage",
    "BlogPage",
    "BlogPageAuthor",
    "BlogPageRelated",
    "BlogPageTag",
    "ImportedItem",
    "article_listing",
]
