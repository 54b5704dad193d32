"""Filtering and paging a frontend needs, and what never appears."""

from __future__ import annotations

import pytest
from django.test import override_settings

from blog.models import BlogCategory
from tests.api.factories import make_article, make_author

pytestmark = pytest.mark.django_db


def _ids(client, query: str) -> list[int]:
    response = client.get(f"/api/v2/pages/?{query}")
    assert response.status_code == 200, response.content[:300]
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def articles(site_content):
    index, shared = site_content["index"], site_content["shared"]
    couples = BlogCategory.objects.create(name="Couples therapy", slug="couples-therapy")
    other_author = make_author(name="Sam Writer", slug="sam-writer")
    first = make_article(index, shared=shared, title="Rebuilding trust", tags=("trust",))
    second = make_article(
        index,
        shared=shared,
        title="Talking again",
        tags=("communication",),
        category=couples,
        author=other_author,
    )
    return {"first": first, "second": second, **site_content}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=blog.BlogPage&tag=trust", ["first"]),
        ("tag=communication", ["second"]),
        ("category=couples-therapy", ["second"]),
        ("type=blog.BlogPage&category=betrayal-trauma", ["first"]),
        ("author=sam-writer", ["second"]),
        ("type=blog.BlogPage&author=nobody", []),
        ("type=blog.BlogPage&order=title", ["first", "second"]),
        ("type=blog.BlogPage&order=-title", ["second", "first"]),
        ("type=blog.BlogPage&order=title&limit=1&offset=1", ["second"]),
        ("type=blog.BlogPage&search=Rebuilding", ["first"]),
    ],
)
def test_article_filters(client, articles, query, expected):
    assert _ids(client, query) == [articles[name].pk for name in expected]


def test_tree_filters(client, articles):
    index, home = articles["index"], articles["home"]
    children = _ids(client, f"child_of={index.pk}")
    assert set(children) == {articles["first"].pk, articles["second"].pk}
    below_home = _ids(client, f"descendant_of={home.pk}")
    assert {index.pk, articles["first"].pk} <= set(below_home)
    assert home.pk not in below_home


def test_fields_parameter(client, articles):
    response = client.get("/api/v2/pages/?type=blog.BlogPage&fields=_,title,summary")
    item = response.json()["items"][0]
    assert set(item) == {"id", "type", "title", "summary"}  # id and type always
    assert "summary" in item
    unknown = client.get("/api/v2/pages/?type=blog.BlogPage&fields=nope")
    assert unknown.status_code == 400


def test_find_by_html_path(client, articles):
    article = articles["first"]
    response = client.get(f"/api/v2/pages/find/?html_path={article.url}")
    assert response.status_code == 302
    assert f"/api/v2/pages/{article.pk}/" in response["Location"]
    assert client.get("/api/v2/pages/find/?html_path=/no/such/page/").status_code == 404


def test_drafts_private_and_unpublished_never_appear(client, articles):
    from wagtail.models import PageViewRestriction

    index, shared = articles["index"], articles["shared"]
    draft = make_article(index, shared=shared, publish=False)
    private = make_article(index, shared=shared)
    PageViewRestriction.objects.create(page=private, restriction_type="password", password="x")
    gone = make_article(index, shared=shared)
    gone.unpublish()
    listed = _ids(client, "type=blog.BlogPage&limit=50")
    for page in (draft, private, gone):
        assert page.pk not in listed
        assert client.get(f"/api/v2/pages/{page.pk}/").status_code == 404
        assert client.get(f"/api/v2/pages/find/?html_path={page.url}").status_code == 404


@override_settings(CORS_ALLOWED_ORIGINS=["https://front.example"])
def test_cors_for_configured_origins_only(client, articles):
    allowed = client.get("/api/v2/pages/", headers={"origin": "https://front.example"})
    assert allowed["Access-Control-Allow-Origin"] == "https://front.example"
    cached = client.get("/api/v2/pages/", headers={"origin": "https://front.example"})
    assert cached["X-Cache"] == "hit"
    assert cached["Access-Control-Allow-Origin"] == "https://front.example"
    other = client.get("/api/v2/pages/", headers={"origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other
    assert "origin" in other["Vary"].lower()  # field names are case-insensitive
