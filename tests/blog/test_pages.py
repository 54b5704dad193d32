"""Page types behave as editors and readers expect: where they go, what they show."""

import datetime
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from blog.models import BlogIndexPage, BlogPage, BlogPageRelated
from home.models import ContactPage, HomePage, StandardPage
from tests.blog.factories import (
    make_article,
    make_author,
    make_category,
    make_contact_page,
    make_index,
    make_site,
    make_standard_page,
)


@pytest.fixture
def home(db):
    return make_site()


@pytest.fixture
def index(home):
    return make_index(home)


@pytest.mark.parametrize(
    ("model", "parent", "allowed"),
    [
        (BlogPage, "index", True),
        (BlogPage, "home", False),
        (BlogIndexPage, "home", True),
        (BlogIndexPage, "index", False),
        (StandardPage, "home", True),
        (StandardPage, "index", False),
        (ContactPage, "index", False),
        (HomePage, "home", False),
    ],
)
def test_page_types_can_only_be_created_where_they_belong(index, model, parent, allowed):
    parent_page = index if parent == "index" else index.get_parent().specific
    assert model.can_create_at(parent_page) is allowed


def test_only_one_contact_page(home):
    assert ContactPage.can_create_at(home)
    make_contact_page(home)
    assert not ContactPage.can_create_at(home)


def test_reading_time_is_computed_from_the_body(index):
    words = " ".join(["word"] * 660)
    article = make_article(index, body=[("paragraph", f"<p>{words}</p>")], summary="Short.")
    assert article.reading_minutes == 4
    assert "4 min read" in article.serve(_request()).rendered_content


def _request():
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    request = RequestFactory().get("/", HTTP_HOST="localhost")
    request.user = AnonymousUser()
    return request


def test_table_of_contents_links_to_heading_anchors(client, index):
    body = [
        ("heading", {"text": "Signs of betrayal trauma", "level": "h2"}),
        ("heading", {"text": "In the body", "level": "h3", "anchor": "body-signs"}),
    ]
    html = client.get(make_article(index, body=body).url).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    assert 'href="#signs-of-betrayal-trauma"' in toc and 'href="#body-signs"' in toc
    assert '<h2 id="signs-of-betrayal-trauma"' in html
    assert '<h3 id="body-signs"' in html


def test_table_of_contents_nests_h3_items_under_their_h2(client, index):
    """h3 items are numbered within their own h2 (2.1, 2.2), not in the h2 sequence."""
    body = [
        ("heading", {"text": "Before", "level": "h3"}),
        ("heading", {"text": "First", "level": "h2"}),
        ("heading", {"text": "First detail", "level": "h3"}),
        ("heading", {"text": "Second", "level": "h2"}),
        ("heading", {"text": "Second detail", "level": "h3"}),
        ("heading", {"text": "Second more", "level": "h3"}),
    ]
    html = client.get(make_article(index, body=body).url).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    items = re.sub(r"<a [^>]*>([^<]*)</a>", r"\1", toc.split("</h2>", 1)[1])
    assert items.strip().removesuffix("</nav>").strip() == (
        "<ol><li>Before</li><li>First<ol><li>First detail</li></ol></li>"
        "<li>Second<ol><li>Second detail</li><li>Second more</li></ol></li></ol>"
    )


def test_author_bios_at_the_end_unless_turned_off(client, index):
    author = make_author(credentials="LMFT, CSAT")
    article = make_article(index, authors=[author])
    html = client.get(article.url).content.decode()
    assert "About the author" in html and "LMFT, CSAT" in html and "LMFT 000777" in html
    article.show_author_bios = False
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert "About the author" not in html
    assert "LMFT, CSAT" in html  # the byline still names the author with credentials


def test_authors_keep_their_order(client, index):
    first, second = make_author(name="Zoe First"), make_author(name="Adam Second")
    html = client.get(make_article(index, authors=[first, second]).url).content.decode()
    assert html.index("Zoe First") < html.index("Adam Second")


def test_related_articles_chosen_else_by_shared_category(client, index):
    category = make_category()
    article = make_article(index, categories=[category])
    same_topic = make_article(index, title="Same topic", categories=[category])
    chosen = make_article(index, title="Hand picked")
    make_article(index, title="Unrelated", categories=[make_category()])

    html = client.get(article.url).content.decode()
    assert "Same topic" in html and "Unrelated" not in html

    BlogPageRelated.objects.create(page=article, related_page=chosen)
    assert [page.pk for page in article.get_related_articles()] == [chosen.pk]
    assert same_topic.pk not in [page.pk for page in article.get_related_articles()]


def test_blog_index_lists_newest_first_and_paginates(client, index):
    for day in range(1, 13):
        make_article(index, title=f"Day {day:02d}", date_published=datetime.date(2026, 3, day))
    html = client.get(index.url).content.decode()
    titles = re.findall(r"Day \d\d", html)
    assert titles[:2] == ["Day 12", "Day 11"] and len(titles) == 10
    assert "Page 1 of 2" in html
    second = client.get(index.url + "?page=2").content.decode()
    assert re.findall(r"Day \d\d", second) == ["Day 02", "Day 01"]


def test_blog_index_filters_by_category_and_tag(client, index):
    category = make_category("Couples therapy")
    make_article(index, title="In category", categories=[category])
    make_article(index, title="Tagged one", tags=["trust"])
    make_article(index, title="Plain one")
    by_category = client.get(f"{index.url}?category={category.slug}").content.decode()
    assert "In category" in by_category and "Plain one" not in by_category
    by_tag = client.get(f"{index.url}?tag=trust").content.decode()
    assert "Tagged one" in by_tag and "Plain one" not in by_tag


def test_search_finds_articles_and_pages_and_is_noindex(client, index):
    make_article(index, title="Healing after infidelity", summary="Rebuilding trust.")
    make_standard_page(index.get_parent(), title="About our approach", slug="approach")
    response = client.get("/search/?q=infidelity")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<meta name="robots" content="noindex">' in html
    assert response["X-Robots-Tag"] == "noindex"
    assert "Healing after infidelity" in html and "About our approach" not in html
    assert "About our approach" in client.get("/search/?q=approach").content.decode()


def test_search_is_paginated(client, index):
    for number in range(12):
        make_article(index, title=f"Anxiety note {number}", summary="About anxiety.")
    first = client.get("/search/?q=anxiety").content.decode()
    assert first.count("<h3><a ") == 10
    assert "page=2" in first and "q=anxiety" in first
    assert client.get("/search/?q=anxiety&page=2").content.decode().count("<h3><a ") == 2


def _new_page(kind: str, home, index):
    if kind == "home":
        page = HomePage(title="Another home", slug="another-home")
        Page.get_first_root_node().add_child(instance=page)
    elif kind == "index":
        page = BlogIndexPage(title="More articles", slug="more")
        home.add_child(instance=page)
    elif kind == "article":
        page = BlogPage(title="Scheduled", slug="scheduled", summary="s", body=[])
        index.add_child(instance=page)
    elif kind == "standard":
        page = StandardPage(title="Scheduled page", slug="scheduled-page")
        home.add_child(instance=page)
    else:
        page = ContactPage(title="Contact us", slug="contact-us")
        home.add_child(instance=page)
    if page.live:
        page.unpublish()
    return page


KINDS = ["home", "index", "article", "standard", "contact"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_type_previews_privately(index, kind):
    page = _new_page(kind, index.get_parent(), index)
    response = page.make_preview_request()
    assert response.status_code == 200
    assert page.title in response.content.decode()
    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_type_can_be_scheduled_and_keeps_revisions(index, kind):
    page = _new_page(kind, index.get_parent(), index)
    page.title = "Goes live later"
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live
    assert page.revisions.count() == 1

    later = timezone.now() + datetime.timedelta(hours=2)
    with mock.patch("django.utils.timezone.now", return_value=later):
        call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live and page.title == "Goes live later"


def test_an_author_already_shown_by_a_bio_block_is_not_repeated_at_the_end(client, index):
    shown, other = make_author(name="Shown Once"), make_author(name="Second Writer")
    body = [("author_bio", {"author": shown.pk, "heading": "Written by"})]
    html = client.get(make_article(index, body=body, authors=[shown, other]).url).content.decode()
    assert html.count('class="author-card__name">Dr. Shown Once') == 1
    assert html.count('class="author-card__name">Dr. Second Writer') == 1


def test_article_body_api_representation_expands_images_snippets_and_rich_text(index):
    import json

    from tests.blog.factories import every_block, make_cta, make_image

    author = make_author()
    article = make_article(index, body=every_block(make_image(), make_cta(), author))
    data = json.loads(json.dumps(article.body.stream_block.get_api_representation(article.body)))
    by_type = {block["type"]: block["value"] for block in data}
    assert set(by_type) == set(BlogPage.body.field.stream_block.child_blocks)
    assert by_type["image"]["image"]["url"].startswith("http://testserver/media/")  # absolute
    assert by_type["image"]["image"]["alt"] == "A calm room"
    assert by_type["heading"]["anchor"] == "first-section"
    assert by_type["cta"]["snippet"]["button"]["href"] == "tel:+14085550142"
    bio = by_type["author_bio"]["author"]
    assert bio["license"]["number"] == "LMFT 000777"
    assert bio["headshot"]["renditions"]["small"]["url"]
    assert by_type["paragraph"] == "<p>A paragraph of body text.</p>"
    assert by_type["table"]["rows"] == [["Session", "Fee"], ["One", "$1"]]
    assert by_type["code"] == {"text": "two  spaces\nkept"}
    assert by_type["gallery"]["images"][0]["image"]["url"].startswith("http://testserver/media/")
    assert by_type["gallery"]["images"][0]["caption"] == "Room"


@pytest.mark.parametrize(
    ("headings", "message"),
    [
        (["Signs", "Signs"], "Another heading already uses the link name 'signs'"),
        (["Main"], "The link name 'main' is used by the page itself"),
    ],
)
def test_heading_anchors_must_be_unique_on_the_page(headings, message):
    from django.core.exceptions import ValidationError

    block = BlogPage.body.field.stream_block
    value = block.to_python([{"type": "heading", "value": {"text": t}} for t in headings])
    with pytest.raises(ValidationError) as raised:
        block.clean(value)
    assert message in str(raised.value.as_json_data())


def test_private_articles_are_listed_nowhere(client, index):
    category = make_category()
    shown = make_article(index, title="Open to everyone", categories=[category])
    hidden = make_article(index, title="Members only article", categories=[category])
    PageViewRestriction.objects.create(
        page=hidden, restriction_type=PageViewRestriction.PASSWORD, password="s3cret"
    )

    for url in ["/blog/", shown.url, "/blog/feed/"]:
        body = client.get(url).content.decode()
        assert "Members only article" not in body, url
    assert "Open to everyone" in client.get("/blog/").content.decode()
