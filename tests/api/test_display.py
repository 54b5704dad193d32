"""What the editor decides on the page reaches the API: display switches, dates, related cards."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import BlogCategory, BlogPage
from blog.models.pages import RELATED_LIMIT, BlogPageRelated
from cms.serving.cache import bump_content_version
from tests.api.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def _publish(page: BlogPage, **changes) -> None:
    for name, value in changes.items():
        setattr(page, name, value)
    page.save_revision().publish()


def test_turning_the_table_of_contents_off_removes_it_from_the_api(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"], blocks=4)
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert detail["show_table_of_contents"] is True
    assert [entry["text"] for entry in detail["table_of_contents"]]
    html = client.get(article.url).content.decode()
    assert detail["table_of_contents"][0]["anchor"] in html

    switched = BlogPage.objects.get(pk=article.pk)
    _publish(switched, show_table_of_contents=False, show_author_bios=False)
    detail = client.get(f"/api/v2/pages/{article.pk}/").json()
    assert detail["show_table_of_contents"] is False
    assert detail["table_of_contents"] == []
    assert detail["show_author_bios"] is False
    assert 'class="toc' not in client.get(article.url).content.decode()


def test_pages_carry_their_published_times(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    first = client.get(f"/api/v2/pages/{article.pk}/").json()["meta"]
    assert first["first_published_at"] == first["last_published_at"]
    _publish(BlogPage.objects.get(pk=article.pk), title="Retitled")
    again = client.get(f"/api/v2/pages/{article.pk}/").json()["meta"]
    assert again["first_published_at"] == first["first_published_at"]
    assert again["last_published_at"] > first["last_published_at"]
    listed = client.get("/api/v2/pages/", {"type": "blog.BlogPage"}).json()["items"][0]["meta"]
    assert listed["last_published_at"] == again["last_published_at"]


def _related_detail(client, page_id: int) -> tuple[int, dict]:
    url = f"/api/v2/pages/{page_id}/"
    client.get(url)
    bump_content_version()
    with CaptureQueriesContext(connection) as captured:
        data = client.get(url).json()
    return len(captured), data


def test_related_cards_carry_date_authors_and_categories_at_a_fixed_cost(client, site_content):
    index, shared = site_content["index"], site_content["shared"]
    topic = BlogCategory.objects.create(name="Trust", slug="trust")
    article = make_article(index, shared=shared)
    others = []
    for _ in range(RELATED_LIMIT):
        other = make_article(index, shared={**shared, "author": make_author()})
        other.categories.add(topic)
        other.save_revision().publish()
        others.append(other)

    BlogPageRelated.objects.create(page=article, related_page=others[0], sort_order=0)
    one, data = _related_detail(client, article.pk)
    (card,) = data["related_articles"]
    assert card["id"] == others[0].pk
    assert card["date_published"] == others[0].date_published.isoformat()
    assert card["authors"][0]["slug"] == others[0].get_authors()[0].slug
    assert "trust" in [category["slug"] for category in card["categories"]]
    assert len(card["categories"]) == others[0].categories.count()

    for number, other in enumerate(others[1:], start=1):
        BlogPageRelated.objects.create(page=article, related_page=other, sort_order=number)
    many, data = _related_detail(client, article.pk)
    assert len(data["related_articles"]) == RELATED_LIMIT
    assert {author["slug"] for card in data["related_articles"] for author in card["authors"]} == {
        other.get_authors()[0].slug for other in others
    }
    assert many == one
