"""Caching: ETag and 304, server-side cache hits, and invalidation when content changes."""

from __future__ import annotations

import pytest
from wagtail.contrib.frontend_cache.backends import BaseBackend

from tests.api.factories import make_article
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def _get(client, url: str, **headers):
    return client.get(url, headers=headers)


def test_publish_shows_on_first_request_and_new_etag_gets_304(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    url = f"/api/v2/pages/{article.pk}/"
    first = _get(client, url)
    assert first["X-Cache"] == "miss"
    assert "max-age=0" in first["Cache-Control"] and "public" in first["Cache-Control"]
    again = _get(client, url)
    assert again["X-Cache"] == "hit"
    assert again.content == first.content

    article.title = "A new title"
    article.save_revision().publish()

    changed = _get(client, url)
    assert changed.status_code == 200
    assert changed.json()["title"] == "A new title"
    assert changed["ETag"] != first["ETag"]
    not_modified = _get(client, url, if_none_match=changed["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    stale = _get(client, url, if_none_match=first["ETag"])
    assert stale.status_code == 200


def test_listing_reflects_publish_and_unpublish(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    url = "/api/v2/pages/?type=blog.BlogPage"
    assert [item["id"] for item in _get(client, url).json()["items"]] == [article.pk]
    article.unpublish()
    assert _get(client, url).json()["items"] == []
    assert _get(client, f"/api/v2/pages/{article.pk}/").status_code == 404


def test_snippet_edit_reaches_pages_that_use_it(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    url = f"/api/v2/pages/{article.pk}/"
    assert "Call for a free consultation" in _get(client, url).content.decode()
    cta = site_content["shared"]["cta"]
    cta.heading = "Book a free consult"
    cta.save()
    body = _get(client, url).content.decode()
    assert "Book a free consult" in body
    author = site_content["shared"]["author"]
    author.license_number = "LMFT 999999"
    author.save()
    assert "LMFT 999999" in _get(client, url).content.decode()


def test_image_edit_reaches_pages_that_use_it(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    url = f"/api/v2/pages/{article.pk}/"
    _get(client, url)
    image = site_content["shared"]["image"]
    image.description = "Two armchairs by a window"
    image.save()
    assert _get(client, url).json()["hero_image"]["alt"] == "Two armchairs by a window"


def test_move_and_delete(client, site_content):
    from blog.models import BlogIndexPage

    article = make_article(site_content["index"], shared=site_content["shared"])
    url = f"/api/v2/pages/{article.pk}/"
    assert "/articles/" in _get(client, url).json()["meta"]["html_url"]
    other = BlogIndexPage(title="Guides", slug="guides")
    site_content["home"].add_child(instance=other)
    other.save_revision().publish()
    article.move(other, pos="last-child")
    assert "/guides/" in _get(client, url).json()["meta"]["html_url"]
    article.delete()
    assert _get(client, url).status_code == 404


def test_draft_changes_do_not_show(client, site_content):
    article = make_article(site_content["index"], shared=site_content["shared"])
    url = f"/api/v2/pages/{article.pk}/"
    _get(client, url)
    article.title = "Draft title, not published"
    article.save_revision()
    assert "Draft title" not in _get(client, url).content.decode()


class RecordingBackend(BaseBackend):
    purged: list[str] = []

    def purge(self, url):
        RecordingBackend.purged.append(url)


def test_frontend_cache_purges_html_and_api_urls_of_pages_using_a_snippet(
    client, site_content, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {"test": {"BACKEND": "tests.api.test_cache.RecordingBackend"}}
    article = make_article(site_content["index"], shared=site_content["shared"])
    other = make_article(site_content["index"], shared=site_content["shared"], kinds=("quote",))
    RecordingBackend.purged = []
    cta = site_content["shared"]["cta"]
    cta.heading = "Book a free consult"
    with django_capture_on_commit_callbacks(execute=True):
        cta.save()
    purged = set(RecordingBackend.purged)
    assert f"http://testserver/api/v2/pages/{article.pk}/" in purged
    assert any(url.endswith(article.url) for url in purged)
    assert f"http://testserver/api/v2/pages/{other.pk}/" not in purged

    RecordingBackend.purged = []
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert f"http://testserver/api/v2/pages/{article.pk}/" in set(RecordingBackend.purged)


def test_public_html_is_served_from_the_same_cache_and_invalidated_with_it(client, site_content):
    article = make_article(
        site_content["index"], shared=site_content["shared"], kinds=("heading", "paragraph")
    )
    first = client.get(article.url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    assert first["X-Cache"] == "miss"
    hit = client.get(article.url)
    assert hit["X-Cache"] == "hit"
    assert hit.content == first.content
    assert client.get(article.url, headers={"if-none-match": hit["ETag"]}).status_code == 304

    article.title = "A retitled article"
    article.save_revision().publish()
    changed = client.get(article.url)
    assert "A retitled article" in changed.content.decode()
    assert changed["X-Cache"] == "miss"


def test_pages_with_a_form_are_shared_and_editors_never_get_a_shared_copy(
    client, site_content, admin_user
):
    with_form = make_article(
        site_content["index"], shared=site_content["shared"], kinds=("consultation_form",)
    )
    client.get(with_form.url)
    again = client.get(with_form.url)
    assert again["X-Cache"] == "hit"  # the form carries no per-visitor token
    plain = make_article(site_content["index"], shared=site_content["shared"], kinds=("quote",))
    client.get(plain.url)
    sign_in(client, admin_user)
    assert "X-Cache" not in client.get(plain.url)
