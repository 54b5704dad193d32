"""RSS and Atom feeds of the latest articles (Django syndication), one author per entry."""

from __future__ import annotations

import datetime

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from wagtail.models import Site

from home.models import PracticeSettings

from .models import BlogIndexPage, BlogPage, article_listing

FEED_LENGTH = 20


class ArticlesFeed(Feed):
    """The newest articles of the current site as RSS 2.0."""

    def get_object(self, request):
        site = Site.find_for_request(request)
        index = BlogIndexPage.objects.live().in_site(site).first() if site else None
        if index is None:
            raise Http404("No article index")
        index.practice = PracticeSettings.for_request(request)
        return index

    def title(self, index: BlogIndexPage) -> str:
        return f"{index.title} | {index.practice.practice_name}"

    def link(self, index: BlogIndexPage) -> str:
        return index.get_full_url()

    def description(self, index: BlogIndexPage) -> str:
        return index.get_meta_description() or f"Articles from {index.practice.practice_name}."

    def items(self, index: BlogIndexPage):
        return article_listing(BlogPage.objects.child_of(index))[:FEED_LENGTH]

    def item_title(self, item: BlogPage) -> str:
        return item.title

    def item_description(self, item: BlogPage) -> str:
        return item.summary

    def item_link(self, item: BlogPage) -> str:
        return item.get_full_url()

    def item_pubdate(self, item: BlogPage) -> datetime.datetime:
        return timezone.make_aware(
            datetime.datetime.combine(item.date_published, datetime.time(9, 0))
        )

    def item_updateddate(self, item: BlogPage) -> datetime.datetime | None:
        return item.last_published_at

    def item_author_name(self, item: BlogPage) -> str:
        names = [link.author.display_name for link in item.article_authors.all()]
        return " and ".join(names) or "Staff"

    def item_categories(self, item: BlogPage) -> list[str]:
        return [category.name for category in item.categories.all()]


class AtomArticlesFeed(ArticlesFeed):
    """The same articles as Atom 1.0."""

    feed_type = Atom1Feed

    def subtitle(self, index: BlogIndexPage) -> str:
        return self.description(index)
