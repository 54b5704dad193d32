"""Old URLs in the API: `redirects/` lists them and `pages/find/` follows them, as the site does."""

from __future__ import annotations

import pytest
from wagtail.contrib.redirects.models import Redirect

from tests.api.factories import make_article

pytestmark = pytest.mark.django_db


def _imported(old_url: str, page) -> Redirect:
    """What the WordPress importer stores for an old URL (blog/importing/pages.py, add_redirects):
    the query string kept, normalised, for the site it imports into."""
    return Redirect.objects.create(
        old_path=Redirect.normalise_path(old_url),
        site=page.get_site(),
        redirect_page=page,
        is_permanent=True,
    )


def test_an_old_imported_url_resolves_through_find_and_redirects(client, site_content):
    article = make_article(site_content["index"], title="Sleep and worry")
    imported = _imported("/?p=1724", article)
    editors = _imported("/old-sleep-article/", article)

    for old in ("/?p=1724", "/old-sleep-article/", "/old-sleep-article"):
        response = client.get("/api/v2/pages/find/", {"html_path": old, "fields": "title"})
        assert response.status_code == 301, (old, response.content[:300])
        assert response["Location"] == f"http://testserver/api/v2/pages/{article.pk}/?fields=title"
        assert response.json()["detail_url"] == response["Location"]
        followed = client.get(response["Location"])
        assert followed.json()["title"] == "Sleep and worry"

    listing = client.get("/api/v2/redirects/").json()
    by_path = {item["old_path"]: item for item in listing["items"]}
    assert set(by_path) == {imported.old_path, editors.old_path}
    assert by_path["/?p=1724"]["page"]["id"] == article.pk
    assert by_path["/?p=1724"]["location"] == article.url
    assert by_path["/?p=1724"]["is_permanent"] is True

    found = client.get("/api/v2/redirects/find/", {"html_path": "/?p=1724"})
    assert found.status_code == 302
    assert client.get(found["Location"]).json()["id"] == imported.pk


def test_a_query_redirect_wins_over_the_page_at_its_bare_path(client, site_content):
    """`/?p=1724` moved, although `/` is the home page (the HTML site answers the same)."""
    article = make_article(site_content["index"])
    _imported("/?p=1724", article)
    moved = client.get("/api/v2/pages/find/", {"html_path": "/?p=1724"})
    assert moved.status_code == 301
    home = client.get("/api/v2/pages/find/", {"html_path": "/"})
    assert home.status_code == 302
    assert home["Location"].startswith(f"http://testserver/api/v2/pages/{site_content['home'].pk}/")


def test_a_live_page_wins_over_a_redirect_for_its_own_path(client, site_content):
    article = make_article(site_content["index"])
    other = make_article(site_content["index"])
    _imported(article.url, other)
    response = client.get("/api/v2/pages/find/", {"html_path": article.url})
    assert response.status_code == 302
    assert f"/pages/{article.pk}/" in response["Location"]


def test_temporary_external_and_private_targets(client, site_content):
    article = make_article(site_content["index"])
    Redirect.objects.create(old_path="/for-now", redirect_page=article, is_permanent=False)
    Redirect.objects.create(old_path="/elsewhere", redirect_link="https://example.org/x")
    draft = make_article(site_content["index"])
    draft.unpublish()
    Redirect.objects.create(old_path="/draft", redirect_page=draft)

    temporary = client.get("/api/v2/pages/find/", {"html_path": "/for-now"})
    assert temporary.status_code == 302
    assert f"/pages/{article.pk}/" in temporary["Location"]
    external = client.get("/api/v2/pages/find/", {"html_path": "/elsewhere"})
    assert external.status_code == 301
    assert external["Location"] == "https://example.org/x"
    assert external.json()["detail_url"] is None
    assert client.get("/api/v2/pages/find/", {"html_path": "/draft"}).status_code == 404
    listed = {item["old_path"] for item in client.get("/api/v2/redirects/").json()["items"]}
    assert listed == {"/for-now", "/elsewhere"}


def test_a_new_redirect_shows_in_the_cached_listing(client, site_content):
    article = make_article(site_content["index"])
    assert client.get("/api/v2/redirects/").json()["meta"]["total_count"] == 0
    _imported("/?page_id=12", article)
    assert client.get("/api/v2/redirects/").json()["meta"]["total_count"] == 1
