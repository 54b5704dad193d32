"""Headless preview: the draft reaches the frontend through a short-lived token."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import RequestFactory

from tests.api.factories import make_article

pytestmark = pytest.mark.django_db

FRONTEND = "https://app.practice.example/preview"


@pytest.fixture
def headless(settings):
    settings.HEADLESS_PREVIEW_URLS = {"default": FRONTEND}
    return settings


def _preview_query(page, request) -> dict[str, str]:
    response = page.serve_preview(request, "headless")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    src = unescape(re.search(r'<iframe src="([^"]+)"', response.content.decode()).group(1))
    assert src.startswith(FRONTEND + "?")
    return {key: values[0] for key, values in parse_qs(urlsplit(src).query).items()}


def test_editor_preview_shows_the_unsaved_draft_to_the_frontend(client, site_content, headless):
    article = make_article(site_content["index"], shared=site_content["shared"])
    assert ("headless", "Frontend app") in article.preview_modes
    assert article.default_preview_mode == ""  # the site's own HTML preview stays the default
    draft = article.get_latest_revision_as_object()
    draft.title = "Unsaved draft title"
    request = RequestFactory().get("/admin/", HTTP_HOST="testserver")
    query = _preview_query(draft, request)
    assert query["content_type"] == "blog.BlogPage"  # as the page's `type` in the API

    for case in ("blog.blogpage", "BLOG.BLOGPAGE"):  # any case is the same type
        assert client.get("/api/v2/preview/", {**query, "content_type": case}).status_code == 200
    response = client.get("/api/v2/preview/", query)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    assert data["title"] == "Unsaved draft title"
    assert data["id"] == article.pk
    assert data["authors"][0]["name"] == site_content["shared"]["author"].name
    assert "linktype=" not in response.content.decode()
    assert client.get(f"/api/v2/pages/{article.pk}/").json()["title"] != "Unsaved draft title"


def test_preview_token_expires_and_is_bound_to_its_type(client, site_content, headless):
    article = make_article(site_content["index"], shared=site_content["shared"])
    query = _preview_query(article, RequestFactory().get("/admin/", HTTP_HOST="testserver"))
    wrong_type = {**query, "content_type": "home.homepage"}
    assert client.get("/api/v2/preview/", wrong_type).status_code == 404
    forged = {**query, "token": query["token"] + "x"}
    assert client.get("/api/v2/preview/", forged).status_code == 404
    assert client.get("/api/v2/preview/").status_code == 400
    headless.HEADLESS_PREVIEW_SECONDS = -1
    assert client.get("/api/v2/preview/", query).status_code == 404


def test_no_frontend_preview_mode_without_a_configured_url(site_content, settings):
    settings.HEADLESS_PREVIEW_URLS = {}
    article = make_article(site_content["index"], shared=site_content["shared"])
    assert "headless" not in dict(article.preview_modes)


def test_a_token_signed_before_the_preview_module_moved_still_verifies(client, site_content):
    """Live tokens survive a deploy: they were signed with the salt "home.api_preview"."""
    import uuid

    from django.core.cache import cache
    from django.core.signing import TimestampSigner

    from cms.headless.preview import CACHE_PREFIX

    article = make_article(site_content["index"], shared=site_content["shared"])
    token = TimestampSigner(salt="home.api_preview").sign(uuid.uuid4().hex)
    cache.set(
        CACHE_PREFIX + token,
        {"content_type": "blog.blogpage", "pk": article.pk, "json": article.to_json()},
        timeout=300,
    )
    response = client.get("/api/v2/preview/", {"content_type": "blog.blogpage", "token": token})
    assert response.status_code == 200
    assert response.json()["title"] == article.title
