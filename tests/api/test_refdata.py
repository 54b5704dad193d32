"""Reference data (cms.serving.refdata): kept per process between requests, never stale after an
edit (API and HTML).

These run with the response cache off, as the benchmark's "uncached" mode does, so every response
is built anew and only the reference data is kept: an edit must show on the very next request.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from cms.serving import refdata
from home.models import PracticeSettings
from tests.api.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def uncached_client(settings, client):
    settings.CONTENT_CACHE = False
    return client


def _detail(client, article) -> dict:
    response = client.get(f"/api/v2/pages/{article.pk}/")
    assert response.status_code == 200
    assert not response.has_header("X-Cache")
    return response.json()


def test_warm_reference_data_leaves_only_the_pages_own_queries(uncached_client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    url = f"/api/v2/pages/{article.pk}/"
    uncached_client.get(url)
    with CaptureQueriesContext(connection) as cold:
        uncached_client.get(url)
    refdata.clear()
    with CaptureQueriesContext(connection) as first:
        uncached_client.get(url)
    with CaptureQueriesContext(connection) as warm:
        uncached_client.get(url)
    sql = "\n".join(query["sql"][:120] for query in warm.captured_queries)
    # The page, as its own type, and its links (one UNION over its authors, categories, tags
    # and chosen related articles); nothing for the site, settings, restrictions, snippets,
    # images or the related articles themselves.
    assert len(warm) == 2, sql
    assert len(first) > len(warm), "a cleared memo must load the reference data again"
    assert len(cold) == len(warm)
    for table in ("wagtailcore_site", "home_practicesettings", "wagtailcore_pageviewrestriction"):
        assert table not in sql
    for table in ("home_calltoaction", "wagtailimages_rendition", 'blog_author".'):
        assert f'FROM "{table}' not in sql


def test_snippet_image_and_settings_edits_show_on_the_next_request(uncached_client, site_content):
    shared = site_content["shared"]
    article = make_article(site_content["index"], shared=shared)
    before = _detail(uncached_client, article)
    assert "Call for a free consultation" in str(before)

    shared["cta"].heading = "Book a free consult"
    shared["cta"].save()
    assert "Book a free consult" in str(_detail(uncached_client, article))

    shared["author"].license_number = "LMFT 999999"
    shared["author"].save()
    data = _detail(uncached_client, article)
    assert data["authors"][0]["license"]["number"] == "LMFT 999999"
    assert "LMFT 999999" in str(data["jsonld"])

    shared["image"].description = "Two armchairs by a window"
    shared["image"].save()
    assert _detail(uncached_client, article)["hero_image"]["alt"] == "Two armchairs by a window"

    practice = PracticeSettings.load_default()
    practice.practice_name = "Renamed Practice"
    practice.save()
    assert "Renamed Practice" in str(_detail(uncached_client, article)["jsonld"])


def test_a_view_restriction_hides_the_page_on_the_next_request(client, site_content):
    """With the response cache on: the restriction is a content change (new version)."""
    article = make_article(site_content["index"], shared=site_content["shared"])
    listing = "/api/v2/pages/?type=blog.BlogPage"
    detail = f"/api/v2/pages/{article.pk}/"
    assert [item["id"] for item in client.get(listing).json()["items"]] == [article.pk]
    assert client.get(detail).status_code == 200

    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    assert client.get(listing).json()["items"] == []
    assert client.get(detail).status_code == 404

    restriction.delete()
    assert [item["id"] for item in client.get(listing).json()["items"]] == [article.pk]


def test_outside_a_request_nothing_is_kept():
    calls = []

    def build():
        calls.append(1)
        return len(calls)

    assert refdata.memoized("key", build) == 1
    assert refdata.memoized("key", build) == 2
    with refdata.request_scope():
        assert refdata.memoized("key", build) == 3
        assert refdata.memoized("key", build) == 3


def test_html_routing_follows_unpublish_and_slug_change(uncached_client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    old_url = article.url
    assert uncached_client.get(old_url).status_code == 200
    assert uncached_client.get(old_url).status_code == 200  # the route is kept now

    article.slug = "a-new-slug"
    article.save_revision().publish()
    article.refresh_from_db()
    assert uncached_client.get(old_url).status_code == 404
    assert uncached_client.get(article.url).status_code == 200

    article.unpublish()
    assert uncached_client.get(article.url).status_code == 404


def test_html_view_restriction_applies_on_the_next_request(uncached_client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    assert uncached_client.get(article.url).status_code == 200
    PageViewRestriction.objects.create(
        page=site_content["index"], restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    response = uncached_client.get(article.url)
    body = response.content.decode()
    assert article.title not in body  # Wagtail's password form instead of the article
    assert 'name="password"' in body


def test_a_private_page_linked_from_a_cta_shows_neither_title_nor_url(client, site_content):
    from home.models import StandardPage

    private = StandardPage(title="Staff handbook (private)", slug="staff-handbook")
    site_content["home"].add_child(instance=private)
    private.save_revision().publish()
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    cta = site_content["shared"]["cta"]
    cta.action, cta.link_page, cta.button_label = "page", private, ""
    cta.save()
    article = make_article(site_content["index"], shared=site_content["shared"])

    body = client.get(f"/api/v2/pages/{article.pk}/").content.decode()
    assert "Staff handbook" not in body
    assert "staff-handbook" not in body
    snippet = client.get(f"/api/v2/ctas/{cta.pk}/").json()
    assert snippet["page"] is None
    assert snippet["button"]["href"] == ""
    html = client.get(article.url).content.decode()
    assert "Staff handbook" not in html and "staff-handbook" not in html


def test_serializers_kept_per_process_still_follow_each_requests_fields(client, site_content):
    """Serializer classes are built once per model and `fields` value; each request still gets
    exactly the fields it asked for, whatever was asked before."""
    make_article(site_content["index"], shared=site_content["shared"])
    listing = "/api/v2/pages/?type=blog.BlogPage"
    for _ in range(2):
        (narrow,) = client.get(f"{listing}&fields=_,title").json()["items"]
        assert set(narrow) == {"id", "type", "title"}  # id and type always
        (wide,) = client.get(f"{listing}&fields=*").json()["items"]
        assert {"body", "authors", "categories", "tags", "hero_image"} <= set(wide)
        (summary,) = client.get(f"{listing}&fields=_,summary,tags").json()["items"]
        assert set(summary) == {"id", "type", "summary", "tags"}
        assert summary["tags"] == ["trust"]


@pytest.mark.django_db(transaction=True)
def test_a_detail_query_kept_by_one_thread_serves_another(settings):
    """The detail query is compiled once and kept; a threaded server (gthread workers, the
    development server, the test live server) runs the next request in another thread, whose
    database connection is not the one the query was compiled with (it was a 500: "DatabaseWrapper
    objects created in a thread can only be used in that same thread", found by the API fuzz)."""
    import threading

    from django.db import connections
    from django.test import Client

    from tests.api.factories import make_shared, make_site

    settings.CONTENT_CACHE = False
    _home, index = make_site()
    article = make_article(index, shared=make_shared(index), title="Kept")
    statuses: list[int] = []

    def fetch() -> None:
        try:
            response = Client(raise_request_exception=False).get(f"/api/v2/pages/{article.pk}/")
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    for _ in range(2):  # the first thread compiles and keeps the query, the second reuses it
        thread = threading.Thread(target=fetch)
        thread.start()
        thread.join()
    assert statuses == [200, 200]
