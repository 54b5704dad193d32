"""What a frontend gets: final HTML, expanded choosers, images with sizes, every page type."""

from __future__ import annotations

import pytest

from blog.models import BlogPage
from tests.api.conftest import text_of, walk
from tests.api.factories import make_article

pytestmark = pytest.mark.django_db

CHOOSER_BLOCKS = {"image", "cta", "author_bio"}


def _detail(client, page_id: int) -> dict:
    response = client.get(f"/api/v2/pages/{page_id}/")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def _assert_frontend_ready(data: dict) -> None:
    text = text_of(data)
    assert "linktype=" not in text
    assert "<embed" not in text
    for path, value in walk(data):
        if path.startswith("$.jsonld"):
            continue  # schema.org's own shapes
        if path.endswith((".image", ".hero_image", ".headshot", ".social_image")) and value:
            assert {"url", "width", "height", "alt"} <= set(value), path
            assert isinstance(value["width"], int) and isinstance(value["height"], int), path
        if path.endswith((".page", ".snippet", ".author")):
            assert value is None or isinstance(value, dict), f"bare id at {path}: {value!r}"
    for block in data.get("body", []):
        if block["type"] in CHOOSER_BLOCKS:
            assert isinstance(block["value"], dict)
        if block["type"] == "image":
            image = block["value"]["image"]
            assert image["url"] and image["width"] > 0 and image["height"] > 0
            assert "alt" in image
            assert set(image["renditions"]) >= {"small", "medium", "large"}
        if block["type"] == "author_bio":
            assert block["value"]["author"]["license"]["number"]


def test_every_demo_article_is_frontend_ready(client, validator, demo_content):
    articles = list(BlogPage.objects.live().public())
    assert articles, "the demo content has articles"
    seen_types = set()
    for article in articles:
        data = _detail(client, article.pk)
        _assert_frontend_ready(data)
        seen_types.update(block["type"] for block in data["body"])
        assert data["authors"] and data["authors"][0]["license"]["number"]
        assert data["seo"]["canonical"].endswith(article.url)
        assert data["jsonld"]["@context"] == "https://schema.org"
        schema = {"$ref": "#/components/schemas/BlogPage"}
        assert validator.errors(schema, data) == []
    assert {"paragraph", "image", "cta"} <= seen_types


def test_article_with_every_block_type(client, site_content, validator):
    article = make_article(site_content["index"], blocks=16, shared=site_content["shared"])
    data = _detail(client, article.pk)
    _assert_frontend_ready(data)
    types = [block["type"] for block in data["body"]]
    assert set(types) == set(BlogPage.body.field.stream_block.child_blocks)
    paragraph = next(block for block in data["body"] if block["type"] == "paragraph")
    index_url = site_content["index"].url
    assert f'href="{index_url}"' in paragraph["value"]
    assert 'href="/documents/' in paragraph["value"]
    cta = next(b for b in data["body"] if b["type"] == "cta" and b["value"]["snippet"])
    assert cta["value"]["snippet"]["heading"] == "Call for a free consultation"
    page_cta = next(b for b in data["body"] if b["type"] == "cta" and not b["value"]["snippet"])
    assert page_cta["value"]["page"] == {
        "id": site_content["index"].pk,
        "title": site_content["index"].title,
        "url": index_url,
    }
    assert data["hero_image"]["renditions"]["small"]["width"] == 480
    assert data["reading_minutes"] >= 1
    assert data["tags"] == ["trust"]
    assert data["categories"][0]["slug"] == "betrayal-trauma"
    assert validator.errors({"$ref": "#/components/schemas/BlogPage"}, data) == []


def test_cta_with_phone_action_gives_tel_link(client, site_content):
    from home.models import PracticeSettings

    practice = PracticeSettings.for_site(site_content["home"].get_site())
    practice.phone = "(408) 555-0142"
    practice.save()
    article = make_article(site_content["index"], shared=site_content["shared"])
    data = _detail(client, article.pk)
    cta = next(b for b in data["body"] if b["type"] == "cta" and b["value"]["snippet"])
    assert cta["value"]["snippet"]["button"]["href"] == "tel:+14085550142"


def test_rich_text_format_parameter_is_not_offered(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    listing = client.get("/api/v2/pages/?type=blog.BlogPage&fields=*&rich_text_format=db_html")
    assert listing.status_code == 400
    for url in (f"/api/v2/pages/{article.pk}/", f"/api/v2/pages/{site_content['home'].pk}/"):
        detail = client.get(f"{url}?rich_text_format=db_html")
        assert detail.status_code == 200
        assert "linktype=" not in detail.content.decode()


@pytest.mark.parametrize(
    "endpoint", ["authors", "ctas", "categories", "images", "documents", "pages"]
)
def test_listings_and_details_match_the_schema(client, site_content, validator, endpoint):
    make_article(site_content["index"], shared=site_content["shared"])
    listing = client.get(f"/api/v2/{endpoint}/")
    assert listing.status_code == 200
    data = listing.json()
    assert data["meta"]["total_count"] >= 1
    assert validator.errors(validator.operation_schema(f"/api/v2/{endpoint}/"), data) == []
    first = data["items"][0]["id"]
    detail = client.get(f"/api/v2/{endpoint}/{first}/")
    assert detail.status_code == 200
    schema = validator.operation_schema(f"/api/v2/{endpoint}/{{id}}/")
    assert validator.errors(schema, detail.json()) == []


def test_practice_gives_public_contact_details_only(client, site_content, validator, settings):
    from home.models import PracticeSettings

    practice = PracticeSettings.for_site(site_content["home"].get_site())
    practice.phone = "(408) 555-0142"
    practice.email = "hello@practice.example"
    practice.save()
    response = client.get("/api/v2/practice/")
    assert response.status_code == 200
    data = response.json()
    assert data["phone_href"] == "tel:+14085550142"
    assert data["email"] == "hello@practice.example"
    assert validator.errors({"$ref": "#/components/schemas/Practice"}, data) == []
    for address in settings.LEADS_NOTIFY_TO:
        assert address not in response.content.decode()


def test_author_find_by_slug(client, site_content):
    author = site_content["shared"]["author"]
    response = client.get(f"/api/v2/authors/find/?slug={author.slug}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"http://testserver/api/v2/authors/{author.pk}/")
    assert client.get("/api/v2/authors/find/?slug=nobody").status_code == 404


def test_listing_and_detail_name_only_the_articles_own_authors(client, site_content):
    from tests.api.factories import make_author

    index, shared = site_content["index"], site_content["shared"]
    other = make_article(index, shared=shared, author=make_author(name="Other Writer"))
    article = make_article(index, shared=shared)
    data = _detail(client, article.pk)
    people = [node for node in data["jsonld"]["@graph"] if node.get("@type") == "Person"]
    assert [person["name"] for person in people] == [shared["author"].name]
    assert [author["name"] for author in data["authors"]] == [shared["author"].name]
    listing = client.get("/api/v2/pages/?type=blog.BlogPage&fields=authors").json()["items"]
    by_id = {item["id"]: [a["name"] for a in item["authors"]] for item in listing}
    assert by_id == {other.pk: ["Other Writer"], article.pk: [shared["author"].name]}
