"""An anonymous crawl of every API endpoint finds no lead data, staff address or draft content."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.models import PageViewRestriction

from leads.models import Lead
from tests.api.factories import make_article
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

CANARY = {
    "name": "Canaryname Zqx",
    "email": "canary.lead.zqx@example.net",
    "phone": "+14085550199",
    "message": "canary-message-zqx",
    "preferred_times": "canary-times-zqx",
}
STAFF_EMAIL = "staff.canary.zqx@example.org"
DRAFT_MARK = "draftcanaryzqx"


@pytest.fixture
def secrets(demo_content, site_content, settings):
    Lead.objects.create(
        **CANARY,
        consent_version="test",
        consented_at=timezone.now(),
        utm_source="canary-utm-zqx",
        referrer_host="canary-referrer-zqx.example",
    )
    get_user_model().objects.create_user(
        username="editor-zqx", email=STAFF_EMAIL, password="x-long-password-1"
    )
    settings.LEADS_NOTIFY_TO = ["notify.canary.zqx@example.org"]
    index, shared = site_content["index"], site_content["shared"]
    make_article(index, shared=shared, title=f"Never published {DRAFT_MARK}", publish=False)
    live = make_article(index, shared=shared, title="A live article")
    live.title = f"Pending change {DRAFT_MARK}"
    live.save_revision()
    private = make_article(index, shared=shared, title=f"Private {DRAFT_MARK}")
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    gone = make_article(index, shared=shared, title=f"Unpublished {DRAFT_MARK}")
    gone.unpublish()
    return [
        *CANARY.values(),
        "canary-utm-zqx",
        "canary-referrer-zqx",
        STAFF_EMAIL,
        "notify.canary.zqx@example.org",
        DRAFT_MARK,
    ]


def _crawl(client, openapi) -> dict[str, str]:
    """GET every listing (all fields), every item's detail, and a search; return bodies."""
    bodies: dict[str, str] = {}
    queue = []
    for path, item in openapi["paths"].items():
        if "get" not in item or "{" in path or path.endswith("/find/"):
            continue
        queue.append(path)
        if path.endswith("/pages/"):
            queue += [f"{path}?fields=*", f"{path}?search=canary", f"{path}?search={DRAFT_MARK}"]
            queue += [
                f"{path}?type={t}&fields=*&limit=50"
                for t in (
                    "blog.BlogPage",
                    "home.HomePage",
                    "home.ContactPage",
                    "home.StandardPage",
                    "blog.BlogIndexPage",
                )
            ]
    seen = set()
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in {200, 400, 405}, (url, response.status_code)
        bodies[url] = response.content.decode()
        if response.status_code != 200 or "json" not in response["Content-Type"]:
            continue
        data = response.json()
        for item in data.get("items", []) if isinstance(data, dict) else []:
            detail = item.get("meta", {}).get("detail_url")
            if detail:
                queue.append(urlsplit(detail).path)
            elif "id" in item:
                queue.append(f"{urlsplit(url).path}{item['id']}/")
    return bodies


def test_anonymous_crawl_leaks_nothing(client, openapi, secrets):
    bodies = _crawl(client, openapi)
    assert len(bodies) > 20
    assert any(
        "/api/v2/pages/" in url and url.rstrip("/").split("/")[-1].isdigit() for url in bodies
    )
    for url, body in bodies.items():
        for secret in secrets:
            assert secret.lower() not in body.lower(), f"{secret!r} found in {url}"
    assert client.get("/api/v2/leads/").status_code == 405


def test_logged_in_editor_sees_the_same_public_api(client, openapi, secrets):
    user = get_user_model().objects.create_superuser("admin-zqx", "a@example.org", "pw-zqx-123")
    sign_in(client, user)
    listing = client.get("/api/v2/pages/?type=blog.BlogPage&fields=title&limit=50")
    assert DRAFT_MARK not in listing.content.decode()
