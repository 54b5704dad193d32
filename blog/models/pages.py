"""The blog index and the article page, with their tags, authors and related articles."""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.db import connection, models
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.html import strip_tags
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.headless.fields import computed_field, image_field, tags_field
from cms.serving.refdata import memoized, memoized_many, public_q
from home.models import PracticePage, PracticeSettings
from home.seo import absolute, organisation_id

from ..api_fields import (
    TOC_SCHEMA,
    authors_field,
    categories_field,
    related_articles_field,
)
from ..blocks import ArticleStreamBlock
from .snippets import Author, BlogCategory, renditions_prefetch

WORDS_PER_MINUTE = 220
ARTICLES_PER_PAGE = 10
RELATED_LIMIT = 3


class BlogPageTag(TaggedItemBase):
    """A free-form tag on an article."""

    content_object = ParentalKey(
        "blog.BlogPage", related_name="tagged_items", on_delete=models.CASCADE
    )


class BlogPageAuthor(Orderable):
    """An author of an article, in the order the byline lists them."""

    page = ParentalKey("blog.BlogPage", related_name="article_authors", on_delete=models.CASCADE)
    author = models.ForeignKey(Author, related_name="+", on_delete=models.CASCADE)

    panels = [FieldPanel("author")]


class BlogPageRelated(Orderable):
    """An article the editor chose as further reading."""

    page = ParentalKey("blog.BlogPage", related_name="related_links", on_delete=models.CASCADE)
    related_page = models.ForeignKey("wagtailcore.Page", related_name="+", on_delete=models.CASCADE)

    panels = [PageChooserPanel("related_page", "blog.BlogPage")]


def _authors_by_id(ids: list[int]) -> dict[int, Author]:
    return memoized_many(
        "chooser:blog.Author",
        ids,
        lambda pks: (
            Author.objects.select_related("headshot", "profile_page")
            .prefetch_related(renditions_prefetch("headshot__renditions"))
            .in_bulk(pks)
        ),
    )


def load_card_authors(pages: list[BlogPage]) -> None:
    """The authors of many cards (articles from `article_listing`) in one batch, not per card."""
    _authors_by_id([link.author_id for page in pages for link in page.article_authors.all()])


def _relations_sql(count: int) -> str:
    """One statement over the four link tables (written out: the ORM took longer to build the
    UNION than the database took to run it)."""
    qn = connection.ops.quote_name
    placeholders = ", ".join(["%s"] * count)
    tables = [
        (BlogPageAuthor, "page_id", "author", "author_id", "sort_order"),
        (BlogPage.categories.through, "blogpage_id", "category", "blogcategory_id", None),
        (BlogPageTag, "content_object_id", "tag", "tag_id", None),
        (BlogPageRelated, "page_id", "related", "related_page_id", "sort_order"),
    ]
    # Identifiers come from the models and values are parameters, hence the noqa.
    return " UNION ALL ".join(
        f"SELECT {qn(page)}, '{kind}', {qn(target)}, {qn(order) if order else '0'} "  # noqa: S608
        f"FROM {qn(model._meta.db_table)} WHERE {qn(page)} IN ({placeholders})"
        for model, page, kind, target, order in tables
    )


def load_relations(pages: list[BlogPage]) -> None:
    """Authors, categories, tags and chosen related articles of `pages`, in one query.

    The links are the pages' own rows and are read every time (one UNION over the four link
    tables, for any number of pages); the authors, categories and tags they point at are
    reference data (cms.serving.refdata). The results land where `get_authors`, `get_categories`,
    `get_tags` and `get_related_articles` look first. Not for previews: a draft's relations
    live in memory, not in these tables.
    """
    pages = [page for page in pages if page.pk is not None and "_authors" not in page.__dict__]
    if not pages:
        return
    ids = [page.pk for page in pages]
    found: dict[int, dict[str, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    with connection.cursor() as cursor:
        cursor.execute(_relations_sql(len(ids)), ids * 4)
        for page_id, what, target, order in cursor.fetchall():
            found[page_id][what].append((order or 0, target))
    wanted = defaultdict(set)
    for relations in found.values():
        for what, pairs in relations.items():
            wanted[what].update(target for _, target in pairs)
    categories = memoized_many(
        "blog.BlogCategory", sorted(wanted["category"]), BlogCategory.objects.in_bulk
    )
    tags = memoized_many("taggit.Tag", sorted(wanted["tag"]), Tag.objects.in_bulk)
    authors = _authors_by_id(sorted(wanted["author"]))
    for page in pages:
        relations = found[page.pk]
        byline = [pk for _, pk in sorted(relations["author"])]
        page.__dict__["_authors"] = [authors[pk] for pk in byline if authors.get(pk)]
        page.__dict__["_categories"] = sorted(
            (categories[pk] for _, pk in relations["category"] if categories.get(pk)),
            key=lambda category: category.name,
        )
        page.__dict__["_tags"] = sorted(
            (tags[pk] for _, pk in relations["tag"] if tags.get(pk)), key=lambda tag: tag.name
        )
        page.__dict__["_related_ids"] = [pk for _, pk in sorted(relations["related"])]


def listed_articles(queryset):
    """Live, public articles, newest first.

    Articles behind a view restriction (password, login, groups) are never listed, so their
    titles do not show on the index, in feeds or among related articles.
    """
    return queryset.live().filter(public_q()).order_by("-date_published", "-pk")


def article_links(queryset):
    """Listed articles with only what a link shows: id, title, URL and summary."""
    return listed_articles(queryset).only("id", "path", "depth", "title", "url_path", "summary")


def article_listing(queryset):
    """Listed articles with everything a card shows, in a fixed number of queries."""
    return (
        listed_articles(queryset)
        .select_related("hero_image")
        .prefetch_related(
            renditions_prefetch("hero_image__renditions"),
            Prefetch(
                "article_authors",
                queryset=BlogPageAuthor.objects.select_related("author").order_by("sort_order"),
            ),
            "categories",
        )
    )


class BlogIndexPage(PracticePage):
    """The list of articles, newest first, filterable by category and tag."""

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="A sentence or two above the list of articles.",
    )

    search_fields = [*Page.search_fields, index.SearchField("intro")]
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    template = "pages/blog_index_page.html"
    api_fields = [APIField("intro"), *PracticePage.api_fields]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["blog.BlogPage"]

    def get_summary_text(self) -> str:
        return " ".join(strip_tags(self.intro).split())

    def get_articles(self):
        return article_listing(BlogPage.objects.child_of(self))

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = self.get_articles()
        category = BlogCategory.objects.filter(slug=request.GET.get("category", "")).first()
        tag = Tag.objects.filter(slug=request.GET.get("tag", "")).first()
        if category is not None:
            articles = articles.filter(categories=category)
        if tag is not None:
            articles = articles.filter(tagged_items__tag=tag)
        paginator = Paginator(articles, ARTICLES_PER_PAGE)
        context["articles"] = paginator.get_page(request.GET.get("page"))
        context["paginator"] = paginator
        context["current_category"] = category
        context["current_tag"] = tag
        context["categories"] = BlogCategory.objects.all()
        context["tags"] = (
            Tag.objects.filter(blog_blogpagetag_items__content_object__live=True)
            .distinct()
            .order_by("name")
        )
        return context


class BlogPage(PracticePage):
    """An article: a structured body, its authors, topics, dates and related reading."""

    summary = models.TextField(
        max_length=300,
        help_text="One or two sentences: shown in listings, feeds and search results.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the top and when shared. Its description is used as alt text.",
    )
    body = StreamField(ArticleStreamBlock(), help_text="Build the article from blocks.")
    date_published = models.DateField(
        "Publication date",
        default=timezone.localdate,
        help_text="Shown on the article; articles are listed newest first by this date.",
    )
    last_reviewed = models.DateField(
        null=True,
        blank=True,
        help_text="When a clinician last checked the article was accurate.",
    )
    reading_minutes = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="Computed from the body when the page is saved."
    )
    categories = ParentalManyToManyField(BlogCategory, blank=True, related_name="articles")
    tags = ClusterTaggableManager(through=BlogPageTag, blank=True)
    show_author_bios = models.BooleanField(
        default=True, help_text="Show each author's bio at the end of the article."
    )
    show_table_of_contents = models.BooleanField(
        default=True, help_text="List the article's sections at the top."
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        # The admin's page search matches as you type (autocomplete): the summary and body too,
        # not only the title.
        index.AutocompleteField("summary"),
        index.AutocompleteField("body"),
        index.FilterField("date_published"),
    ]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    about_panels = [
        InlinePanel("article_authors", label="Author", min_num=1, heading="Authors"),
        FieldPanel("show_author_bios"),
        MultiFieldPanel(
            [FieldPanel("date_published"), FieldPanel("last_reviewed")], heading="Dates"
        ),
        FieldPanel("categories", widget=forms.CheckboxSelectMultiple),
        FieldPanel("tags"),
        InlinePanel(
            "related_links",
            label="Related article",
            heading="Related articles",
            help_text="Chosen articles come first; without any, articles sharing a category show.",
        ),
        FieldPanel("show_table_of_contents"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(about_panels, heading="Authors and topics"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    og_type = "article"
    template = "pages/blog_page.html"
    # API (blog/api.py): related_articles and jsonld are on the detail only.
    api_fields = [
        APIField("summary"),
        APIField("hero_image", serializer=image_field()),
        APIField("body"),
        APIField("authors", serializer=authors_field()),
        APIField("categories", serializer=categories_field()),
        APIField("tags", serializer=tags_field()),
        APIField("date_published"),
        APIField("last_reviewed"),
        APIField("reading_minutes"),
        APIField("show_table_of_contents"),
        APIField("show_author_bios"),
        APIField(
            "table_of_contents",
            serializer=computed_field(TOC_SCHEMA, source="shown_table_of_contents"),
        ),
        APIField("related_articles", serializer=related_articles_field()),
        *PracticePage.api_fields,
    ]
    parent_page_types = ["blog.BlogIndexPage"]
    subpage_types: list[str] = []

    def save(self, *args, **kwargs):
        self.reading_minutes = self.compute_reading_minutes()
        return super().save(*args, **kwargs)

    def compute_reading_minutes(self) -> int:
        """Minutes at 220 words a minute, from the body's text (at least one)."""
        words = sum(
            len(text.split()) for text in self.body.stream_block.get_searchable_content(self.body)
        )
        words += len(self.summary.split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    def get_summary_text(self) -> str:
        return self.summary

    def get_main_image(self):
        return self.hero_image

    # Related objects, each in a fixed number of queries ---------------------------------------

    def get_authors(self) -> list[Author]:
        if "_authors" not in self.__dict__:
            # The byline's order is the page's; the authors are reference data.
            ids = [link.author_id for link in self.article_authors.all()]
            authors = _authors_by_id(ids)
            self.__dict__["_authors"] = [authors[pk] for pk in ids if authors.get(pk)]
        return self.__dict__["_authors"]

    def get_end_bios(self) -> list[Author]:
        """Authors whose bio closes the article: those without an author-bio block already."""
        in_body = {
            block.value["author"].pk
            for block in self.body
            if block.block_type == "author_bio" and block.value["author"] is not None
        }
        return [author for author in self.get_authors() if author.pk not in in_body]

    def get_categories(self) -> list[BlogCategory]:
        if "_categories" not in self.__dict__:
            self.__dict__["_categories"] = list(self.categories.all())
        return self.__dict__["_categories"]

    def get_tags(self) -> list[Tag]:
        if "_tags" not in self.__dict__:
            self.__dict__["_tags"] = list(self.tags.all())
        return self.__dict__["_tags"]

    def get_related_articles(
        self, categories: list[BlogCategory] | None = None, *, cards: bool = True
    ) -> list[BlogPage]:
        """Chosen further reading, else the newest articles sharing a category.

        `cards`: loaded with what a card shows (image, authors, categories; the authors of all
        cards in one batch); otherwise with what a link shows (id, title, URL, summary).
        """
        chosen_ids = self.__dict__.get("_related_ids")
        if chosen_ids is None:
            chosen_ids = [link.related_page_id for link in self.related_links.all()]
        if chosen_ids:
            ids = [pk for pk in chosen_ids if pk != self.pk]
        else:
            categories = self.get_categories() if categories is None else categories
            if not categories:
                return []
            # Which other articles share a category is reference data: any publish stamps a new
            # content version.
            category_ids = tuple(sorted(category.pk for category in categories))

            def sharing() -> list[int]:
                shared = BlogPage.objects.filter(categories__in=category_ids).exclude(pk=self.pk)
                listed = listed_articles(BlogPage.objects.filter(pk__in=shared))
                return list(listed.values_list("pk", flat=True)[:RELATED_LIMIT])

            ids = memoized(("articles_sharing", category_ids, self.pk), sharing)
        # Other articles' cards and links are reference data (cms.serving.refdata); a chosen article
        # that is not listed (a draft, private) loads as None and is left out.
        load = article_listing if cards else article_links
        pages = memoized_many(
            "article_card" if cards else "article_link",
            ids,
            lambda pks: {page.pk: page for page in load(BlogPage.objects.filter(pk__in=pks))},
        )
        related = [pages[pk] for pk in ids if pages.get(pk) is not None][:RELATED_LIMIT]
        if cards:
            load_card_authors(related)
        return related

    def table_of_contents(self) -> list[dict[str, str]]:
        return [
            {
                "text": block.value["text"],
                "anchor": block.value.anchor_id(),
                "level": block.value["level"],
            }
            for block in self.body
            # h4 headings divide a section further; the contents list h2 and h3 only.
            if block.block_type == "heading" and block.value["level"] in {"h2", "h3"}
        ]

    def shown_table_of_contents(self) -> list[dict[str, str]]:
        """The table of contents as the page shows it: empty when the editor turned it off."""
        return self.table_of_contents() if self.show_table_of_contents else []

    def table_of_contents_tree(self) -> list[dict[str, Any]]:
        """The headings as nested sections: each h2 with the h3s under it as its ``children``, so
        the public list numbers h3s within their h2 (2.1, 2.2). An h3 before any h2 stands alone.
        """
        tree: list[dict[str, Any]] = []
        for item in self.table_of_contents():
            if item["level"] == "h3" and tree and tree[-1]["level"] == "h2":
                tree[-1]["children"].append(item)
            else:
                tree.append({**item, "children": []})
        return tree

    def faq_questions(self) -> list[dict[str, Any]]:
        questions: list[dict[str, Any]] = []
        for block in self.body:
            if block.block_type == "faq":
                questions.extend(block.value.schema_questions())
        return questions

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if not getattr(request, "is_preview", False):
            load_relations([self])
        categories = self.get_categories()
        context["authors"] = self.get_authors()
        context["end_bios"] = self.get_end_bios() if self.show_author_bios else []
        context["categories"] = categories
        context["tags"] = self.get_tags()
        context["related_articles"] = self.get_related_articles(categories)
        context["toc"] = self.table_of_contents_tree() if self.show_table_of_contents else []
        context["index_url"] = memoized(("parent_url", self.path), self._parent_url)
        return context

    def _parent_url(self) -> str:
        parent = self.get_parent()
        return (parent.url or "/") if parent is not None else "/"

    # Structured data -----------------------------------------------------------------------

    def get_extra_structured_data(
        self, request: Any, practice: PracticeSettings
    ) -> list[dict[str, Any]]:
        authors = self.get_authors()
        url = self.get_full_url(request)
        modified = self.last_reviewed or (self.last_published_at or timezone.now()).date()
        posting: dict[str, Any] = {
            "@type": "BlogPosting",
            "@id": f"{url}#article",
            "headline": self.title[:110],
            "description": self.get_meta_description(),
            "url": url,
            "mainEntityOfPage": url,
            "datePublished": self.date_published.isoformat(),
            "dateModified": modified.isoformat(),
            "timeRequired": f"PT{self.reading_minutes}M",
            "author": [{"@id": person["@id"]} for person in self._people(authors, request)],
            "publisher": {"@id": organisation_id(request)},
            "keywords": [tag.name for tag in self.get_tags()],
            "articleSection": [category.name for category in self.get_categories()],
        }
        if self.last_reviewed:
            posting["lastReviewed"] = self.last_reviewed.isoformat()
        rendition = self.get_social_rendition(practice)
        if rendition is not None:
            posting["image"] = {
                "@type": "ImageObject",
                "url": absolute(rendition.url, request),
                "width": rendition.width,
                "height": rendition.height,
            }
        nodes = [posting, *self._people(authors, request)]
        questions = self.faq_questions()
        if questions:
            nodes.append({"@type": "FAQPage", "@id": f"{url}#faq", "mainEntity": questions})
        return nodes

    def _people(self, authors: list[Author], request: Any) -> list[dict[str, Any]]:
        root = absolute("/", request)
        return [
            memoized(("person_schema", author.pk, root), lambda a=author: a.person_schema(request))
            for author in authors
        ]
