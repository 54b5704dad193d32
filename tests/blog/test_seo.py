"""What search engines and feed readers get: JSON-LD, meta tags, feeds, sitemap, robots.txt."""

import json
import re
import xml.etree.ElementTree as ET

import feedparser
import pytest

from tests.blog.factories import (
    LICENSE_NUMBER,
    every_block,
    make_article,
    make_author,
    make_category,
    make_cta,
    make_image,
    make_index,
    make_site,
)

JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def article(db):
    home = make_site()
    index = make_index(home)
    image = make_image(size=(1600, 900), description="A quiet room with two chairs")
    author = make_author()
    body = every_block(image, make_cta(), author)
    return make_article(
        index,
        title="Healing after betrayal",
        body=body,
        authors=[author],
        categories=[make_category("Betrayal trauma")],
        tags=["trust"],
        hero_image=image,
    )


def structured_data(html: str) -> list[dict]:
    scripts = JSON_LD.findall(html)
    assert len(scripts) == 1
    return json.loads(scripts[0])["@graph"]


def by_type(graph: list[dict], type_: str) -> list[dict]:
    return [node for node in graph if node["@type"] == type_]


def test_article_json_ld_describes_posting_author_practice_breadcrumbs_and_faq(client, article):
    html = client.get(article.url).content.decode()
    graph = structured_data(html)

    (posting,) = by_type(graph, "BlogPosting")
    assert posting["headline"] == "Healing after betrayal"
    assert posting["datePublished"] == "2026-01-01"
    assert posting["image"]["url"].startswith("http://localhost/")
    (person,) = by_type(graph, "Person")
    assert posting["author"] == [{"@id": person["@id"]}]
    license_ = person["hasCredential"][0]
    assert license_["identifier"] == LICENSE_NUMBER
    assert license_["credentialCategory"] == "license"
    assert license_["recognizedBy"]["name"] == "California Board of Behavioral Sciences"

    (practice,) = by_type(graph, "MedicalBusiness")
    assert practice["name"] == "Willow Creek Counselling"
    assert practice["telephone"] == "+14085550142"
    assert practice["address"]["addressLocality"] == "San Jose"
    assert practice["sameAs"] == ["https://li.example/p"]
    assert posting["publisher"] == {"@id": practice["@id"]}

    (breadcrumbs,) = by_type(graph, "BreadcrumbList")
    names = [item["name"] for item in breadcrumbs["itemListElement"]]
    assert names == ["Welcome", "Articles", "Healing after betrayal"]

    (faq,) = by_type(graph, "FAQPage")
    assert faq["mainEntity"][0]["name"] == "Is it free?"
    assert faq["mainEntity"][0]["acceptedAnswer"]["text"] == "Yes."


def test_no_faq_page_without_faq_blocks(client, article):
    article.body = [("paragraph", "<p>Only text.</p>")]
    article.save_revision().publish()
    graph = structured_data(client.get(article.url).content.decode())
    assert by_type(graph, "FAQPage") == []


def test_json_ld_cannot_be_broken_out_of_by_content(client, article):
    article.title = "</script><script>alert(1)</script>"
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    (posting,) = by_type(structured_data(html), "BlogPosting")
    assert posting["headline"] == "</script><script>alert(1)</script>"


def test_article_head_has_description_canonical_and_social_cards(client, article):
    html = client.get(article.url).content.decode()
    assert '<meta name="description" content="Summary of article' in html
    assert f'<link rel="canonical" href="{article.full_url}">' in html
    assert '<meta property="og:type" content="article">' in html
    og_image = re.search(r'<meta property="og:image" content="([^"]+)"', html).group(1)
    assert og_image.startswith("http://localhost/") and "fill-1200x630" in og_image
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_seo_title_and_search_description_win_over_fallbacks(client, article):
    article.seo_title = "Betrayal trauma explained"
    article.search_description = "A short description for search."
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "<title>Betrayal trauma explained | Willow Creek Counselling</title>" in html
    assert '<meta name="description" content="A short description for search.">' in html


def test_feeds_parse_with_title_link_summary_date_and_author(client, article):
    for url in ("/blog/feed/", "/blog/feed/atom/"):
        response = client.get(url)
        assert response.status_code == 200
        feed = feedparser.parse(response.content)
        assert not feed.bozo, feed.bozo_exception
        (entry,) = feed.entries
        assert entry.title == "Healing after betrayal"
        assert entry.link == article.full_url
        assert entry.summary == article.summary
        assert entry.published_parsed[:3] == (2026, 1, 1)
        assert entry.author == article.get_authors()[0].display_name


def test_sitemap_lists_every_live_article_and_not_drafts(client, article):
    draft = make_article(article.get_parent(), title="Draft")
    draft.unpublish()
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    ns = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = {node.text for node in root.findall("sm:url/sm:loc", ns)}
    assert f"{article.full_url}" in locations
    assert draft.full_url not in locations
    assert all(node.text for node in root.findall("sm:url/sm:lastmod", ns))


def test_robots_txt_points_at_the_sitemap(client, db):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://localhost/sitemap.xml" in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()
