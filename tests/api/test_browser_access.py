"""What a browser frontend on another origin needs: readable caching headers, absolute media."""

from __future__ import annotations

import pytest

from tests.api.factories import make_article

pytestmark = pytest.mark.django_db

ORIGIN = "https://app.practice.example"


@pytest.fixture
def frontend_origin(settings):
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]


def test_a_preflight_with_if_none_match_is_allowed(client, site_content, frontend_origin):
    response = client.options(
        "/api/v2/pages/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="if-none-match",
    )
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == ORIGIN
    assert "if-none-match" in response["Access-Control-Allow-Headers"].lower()


def test_etag_retry_after_and_link_are_readable_from_javascript(
    client, site_content, frontend_origin
):
    response = client.get("/api/v2/pages/", HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 200
    exposed = {
        name.strip().lower() for name in response["Access-Control-Expose-Headers"].split(",")
    }
    assert {"etag", "retry-after", "link"} <= exposed
    again = client.get("/api/v2/pages/", HTTP_ORIGIN=ORIGIN, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_media_urls_are_absolute(client, site_content, settings):
    article = make_article(site_content["index"], shared=site_content["shared"])
    data = client.get(f"/api/v2/pages/{article.pk}/").json()
    base = settings.WAGTAILAPI_BASE_URL
    image = data["hero_image"]
    assert image["url"].startswith(f"{base}/media/")
    assert all(
        rendition["url"].startswith(f"{base}/media/") for rendition in image["renditions"].values()
    )
    assert client.get(image["url"].removeprefix(base)).status_code == 200
    documents = client.get("/api/v2/documents/").json()["items"]
    assert documents and all(doc["download_url"].startswith(f"{base}/") for doc in documents)
