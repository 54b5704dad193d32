"""The beacons count a page id or a CTA click, refuse bad input with a 4xx, and are rate-limited."""

from __future__ import annotations

import json

import pytest

from insights.models import CtaClickDay, PageViewDay
from insights.services import flush_counters
from tests.insights.conftest import BOT_UA

pytestmark = pytest.mark.django_db


def post(client, path: str, body, content_type: str = "application/json", **headers):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(path, data, content_type=content_type, **headers)


def test_view_beacon_counts_the_page(article, visitor):
    response = post(visitor, "/api/v2/views/", {"page": article.pk})
    assert response.status_code == 204
    flush_counters()
    assert PageViewDay.objects.get(page=article).views == 1


def test_click_beacon_counts_the_cta(article, visitor):
    cta_id = next(block.id for block in article.body if block.block_type == "cta")
    body = {"page": article.pk, "cta": cta_id, "action": "booking"}
    assert post(visitor, "/api/v2/clicks/", body, content_type="text/plain").status_code == 204
    flush_counters()
    row = CtaClickDay.objects.get(page=article)
    assert (row.cta, row.action, row.clicks) == (cta_id, "booking", 1)


def test_beacons_above_the_rate_limit_are_refused_and_not_counted(article, visitor, settings):
    settings.INSIGHTS_BEACON_LIMIT = 3
    answers = [post(visitor, "/api/v2/views/", {"page": article.pk}) for _ in range(5)]
    assert [answer.status_code for answer in answers] == [204, 204, 204, 429, 429]
    assert int(answers[-1]["Retry-After"]) >= 1
    assert "Too many" in answers[-1].json()["message"]
    flush_counters()
    assert PageViewDay.objects.get(page=article).views == 3


@pytest.mark.parametrize(
    "headers", [{"HTTP_USER_AGENT": BOT_UA}, {"HTTP_SEC_GPC": "1"}, {"HTTP_DNT": "1"}]
)
def test_beacons_from_bots_or_opted_out_visitors_are_not_counted(article, visitor, headers):
    assert post(visitor, "/api/v2/views/", {"page": article.pk}, **headers).status_code == 204
    flush_counters()
    assert not PageViewDay.objects.exists()


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status", "words"),
    [
        ("/api/v2/views/", "{not json", "application/json", 400, "not valid JSON"),
        ("/api/v2/views/", "[1]", "application/json", 400, "one JSON object"),
        ("/api/v2/views/", {"page": "3"}, "application/json", 400, "page id"),
        ("/api/v2/views/", {"page": True}, "application/json", 400, "page id"),
        ("/api/v2/views/", {"page": 2**40}, "application/json", 400, "page id"),
        ("/api/v2/views/", {"page": 1, "ip": "1.2.3.4"}, "application/json", 400, "Unknown"),
        ("/api/v2/views/", {"page": 999999}, "application/json", 404, "No published page"),
        ("/api/v2/views/", "page=3", "application/x-www-form-urlencoded", 415, "JSON"),
        ("/api/v2/views/", {"page": 1, "x": "y" * 2000}, "application/json", 413, "larger"),
        ("/api/v2/clicks/", {"page": 1, "cta": "a"}, "application/json", 400, "string"),
        (
            "/api/v2/clicks/",
            {"page": 1, "cta": "a", "action": "x"},
            "application/json",
            400,
            "one of",
        ),
    ],
)
def test_bad_beacons_get_a_4xx_that_says_why(
    visitor, article, path, body, content_type, status, words
):
    response = post(visitor, path, body, content_type=content_type)
    assert response.status_code == status
    assert words in response.json()["message"]


def test_beacons_only_accept_post(visitor):
    response = visitor.get("/api/v2/views/")
    assert response.status_code == 405
    assert "never readable" in response.json()["message"]


@pytest.mark.parametrize(
    "path", ["/api/v2/insights/", "/api/v2/insights/pages/", "/api/v2/views/1/"]
)
def test_figures_are_not_readable_through_the_api(visitor, admin_client, path):
    assert visitor.get(path).status_code == 404
    assert admin_client.get(path).status_code == 404


def test_beacons_answer_cors_for_configured_frontends(article, client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.practice.example"]
    preflight = client.options(
        "/api/v2/views/",
        HTTP_ORIGIN="https://app.practice.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == "https://app.practice.example"
    other = client.options(
        "/api/v2/views/",
        HTTP_ORIGIN="https://elsewhere.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
    )
    assert "Access-Control-Allow-Origin" not in other
