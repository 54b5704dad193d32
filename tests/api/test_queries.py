"""Query budget: the API's SQL count does not grow with the number of articles or blocks."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.serving.cache import bump_content_version
from tests.api.factories import make_article

pytestmark = pytest.mark.django_db

LISTING = "/api/v2/pages/?type=blog.BlogPage&fields=*&limit=50"


def _queries(client, url: str) -> tuple[int, list[str]]:
    client.get(url)  # renditions are created on first use; measure the steady state
    bump_content_version()  # and measure a response built anew, not the cached one
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    return len(captured), [query["sql"] for query in captured.captured_queries]


def test_listing_with_all_fields_costs_the_same_for_5_and_50_articles(client, site_content):
    index, shared = site_content["index"], site_content["shared"]
    for _ in range(5):
        make_article(index, shared=shared)
    five, _ = _queries(client, LISTING)
    for _ in range(45):
        make_article(index, shared=shared)
    fifty, sql = _queries(client, LISTING)
    assert client.get(LISTING).json()["meta"]["total_count"] == 50
    assert len(client.get(LISTING).json()["items"]) == 50
    assert fifty == five, "\n".join(sql)


def test_listing_with_distinct_authors_and_images_costs_the_same(client, site_content):
    from tests.api.factories import make_shared

    index = site_content["index"]
    for _ in range(3):
        make_article(index, shared=make_shared(index))
    few, _ = _queries(client, LISTING)
    for _ in range(9):
        make_article(index, shared=make_shared(index))
    many, sql = _queries(client, LISTING)
    assert many == few, "\n".join(sql)


@pytest.mark.parametrize(
    ("kinds", "few", "many"),
    [
        (("paragraph", "image", "author_bio"), 3, 30),
        (("heading", "callout", "faq"), 3, 30),
        ((), 13, 39),  # every block type
    ],
)
def test_detail_costs_the_same_for_few_and_many_blocks(client, site_content, kinds, few, many):
    index, shared = site_content["index"], site_content["shared"]
    short = make_article(index, blocks=few, shared=shared, kinds=kinds)
    long = make_article(index, blocks=many, shared=shared, kinds=kinds)
    short_count, _ = _queries(client, f"/api/v2/pages/{short.pk}/")
    long_count, sql = _queries(client, f"/api/v2/pages/{long.pk}/")
    assert len(client.get(f"/api/v2/pages/{long.pk}/").json()["body"]) == many
    assert long_count == short_count, "\n".join(sql)
