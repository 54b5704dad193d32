"""API endpoints of the articles: the pages endpoint with article filters, authors, categories.

Also declares how articles load for the API in a fixed number of queries, and the JSON schema of
the blocks this app and its dependencies represent in their own way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from rest_framework.filters import BaseFilterBackend
from wagtail.api.v2.utils import BadRequestError
from wagtail.images import get_image_model

from cms.headless.openapi import _param, register_snippet_schema
from cms.headless.viewsets import (
    PagesAPIViewSet,
    SnippetAPIViewSet,
    register_page_loader,
    register_page_queryset,
)

from .api_fields import AUTHOR_SCHEMA, CATEGORY_SCHEMA, category_representation
from .models import Author, BlogCategory, BlogPage
from .models.pages import load_relations

# Loading --------------------------------------------------------------------------------------


def _renditions(path: str) -> Prefetch:
    renditions = get_image_model().get_rendition_model().objects.all()
    return Prefetch(path, queryset=renditions, to_attr="prefetched_renditions")


def prepare_articles(queryset: QuerySet) -> QuerySet:
    """Everything an article's API fields read, in a fixed number of queries for any count.

    Image renditions are not prefetched: image and author representations are reference data
    (cms.serving.refdata), so renditions are read once per image and content version, not per
    request.
    """
    return queryset.select_related("hero_image", "social_image")


register_page_queryset(BlogPage, prepare_articles)
# Authors, categories, tags and related links of the loaded articles: one query for all.
register_page_loader(BlogPage, load_relations)


# Pages endpoint with article filters ----------------------------------------------------------

ARTICLE_FILTERS = {
    "tag": "tags__name",
    "category": "categories__slug",
    "author": "article_authors__author__slug",
}


class ArticleFilter(BaseFilterBackend):
    """`tag`, `category` (slug) and `author` (slug): only articles match."""

    def filter_queryset(self, request, queryset, view):
        wanted = {name: request.GET[name] for name in ARTICLE_FILTERS if name in request.GET}
        if not wanted:
            return queryset
        if not issubclass(queryset.model, BlogPage):
            if queryset.model is not view.model:
                raise BadRequestError("tag, category and author filter articles (blog.BlogPage)")
            queryset = prepare_articles(BlogPage.objects.filter(pk__in=queryset.values("pk")))
        for name, value in wanted.items():
            if "\x00" in value:
                raise BadRequestError(f"{name} must not contain null characters")
            queryset = queryset.filter(**{ARTICLE_FILTERS[name]: value})
        queryset = queryset.distinct()
        queryset._filtered_by_tag = "tag" in wanted
        return queryset


class ArticlePagesAPIViewSet(PagesAPIViewSet):
    """`/api/v2/pages/`: every public page; articles also filter by tag, category and author."""

    filter_backends = [
        *PagesAPIViewSet.filter_backends[:-1],
        ArticleFilter,
        PagesAPIViewSet.filter_backends[-1],
    ]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union(ARTICLE_FILTERS)
    # These need queries of their own per article: offered on the detail only.
    detail_only_fields = [*PagesAPIViewSet.detail_only_fields, "related_articles", "jsonld"]


# Authors and categories -----------------------------------------------------------------------

register_snippet_schema(Author, AUTHOR_SCHEMA)


class AuthorsAPIViewSet(SnippetAPIViewSet):
    """`/api/v2/authors/`: the practice's clinicians; `find/?slug=` finds one."""

    name = "authors"
    model = Author
    item_schema = AUTHOR_SCHEMA
    schema_name = "Author"
    find_query_parameters = frozenset(["id", "slug"])

    def get_queryset(self):
        return (
            Author.objects.select_related("headshot")
            .prefetch_related(_renditions("headshot__renditions"))
            .order_by("id")
        )

    def find_object(self, queryset, request):
        if "slug" in request.GET:
            return queryset.filter(slug=request.GET["slug"]).first()
        return super().find_object(queryset, request)

    @classmethod
    def openapi_describe(cls, schemas):
        item, detail, params, _ = super().openapi_describe(schemas)
        find = [_param("slug", "An author's slug."), _param("id", "An id.", {"type": "integer"})]
        return item, detail, params, find


class CategoriesAPIViewSet(SnippetAPIViewSet):
    """`/api/v2/categories/`: article topics; filter articles with `pages/?category=<slug>`."""

    name = "categories"
    model = BlogCategory
    item_schema = CATEGORY_SCHEMA
    schema_name = "Category"
    find_query_parameters = frozenset(["id", "slug"])

    def get_queryset(self):
        return BlogCategory.objects.order_by("id")

    def represent(self, obj) -> dict[str, Any]:
        return category_representation(obj)

    def find_object(self, queryset, request):
        if "slug" in request.GET:
            return queryset.filter(slug=request.GET["slug"]).first()
        return super().find_object(queryset, request)

    @classmethod
    def openapi_describe(cls, schemas):
        item, detail, params, _ = super().openapi_describe(schemas)
        find = [_param("slug", "A category slug."), _param("id", "An id.", {"type": "integer"})]
        return item, detail, params, find
