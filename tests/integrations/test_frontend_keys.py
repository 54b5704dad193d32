"""Trusted server-side submission: a frontend key lets a server pass its visitor's address."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages

from integrations.keys import create_key
from integrations.models import FrontendKey
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

SERVER = "198.51.100.10"  # the frontend server (a Next.js route handler)
VISITOR = "203.0.113.7"
OTHER_VISITOR = "2001:db8::7"
LEAD = {"name": "Ana", "email": "ana@example.com", "preferred_contact": "email", "consent": True}


@pytest.fixture
def limit(settings):
    settings.LEADS_RATE_LIMIT = 2
    settings.LEADS_RATE_WINDOW = 3600
    from django.core.cache import cache

    cache.clear()


def _post(client, *, key: str | None = None, visitor: str | None = None, number: int = 0):
    headers = {"REMOTE_ADDR": SERVER}
    if key is not None:
        headers["HTTP_X_FRONTEND_KEY"] = key
    if visitor is not None:
        headers["HTTP_X_VISITOR_IP"] = visitor
    body = {**LEAD, "email": f"ana{number}@example.com"}
    return client.post("/api/v2/leads/", body, content_type="application/json", **headers)


def test_with_a_valid_key_the_visitors_address_is_rate_limited(client, limit):
    _, key = create_key("Next.js site")
    assert [_post(client, key=key, visitor=VISITOR, number=n).status_code for n in range(3)] == [
        201,
        201,
        429,
    ]
    # Another visitor of the same server is not held back by the first one's requests...
    assert _post(client, key=key, visitor=OTHER_VISITOR, number=3).status_code == 201
    # ...and the server's own address was never counted.
    assert _post(client, number=4).status_code == 201


def test_without_a_key_the_callers_address_is_rate_limited(client, limit):
    statuses = [_post(client, visitor=f"203.0.113.{n}", number=n).status_code for n in range(3)]
    assert statuses == [201, 201, 429]  # X-Visitor-IP is ignored without a key
    response = _post(client, number=9)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0


def test_a_wrong_key_is_refused_with_a_message_not_ignored(client, limit):
    _, key = create_key("Astro site")
    for wrong in (key[:-2] + "xx", "fk_00000000_nope", "not-a-key"):
        response = _post(client, key=wrong, visitor=VISITOR)
        assert response.status_code == 401
        assert "frontend key is not valid" in response.json()["message"]
    bearer = client.post(
        "/api/v2/leads/",
        LEAD,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
        HTTP_X_VISITOR_IP=VISITOR,
    )
    assert bearer.status_code == 201
    FrontendKey.objects.update(active=False)
    assert _post(client, key=key, visitor=VISITOR, number=1).status_code == 401


def test_a_valid_key_needs_the_visitors_address(client, limit):
    _, key = create_key("Next.js site")
    for visitor in (None, "", "localhost", "203.0.113.999"):
        response = _post(client, key=key, visitor=visitor)
        assert response.status_code == 400
        assert "X-Visitor-IP" in response.json()["message"]


def test_a_key_made_in_the_admin_is_shown_once_and_stored_hashed(client, limit):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
    sign_in(client, admin)
    response = client.post("/admin/frontendkey/new/", {"name": "Next.js site", "active": "on"})
    assert response.status_code == 302
    (message,) = [str(m) for m in get_messages(response.wsgi_request)]
    key = re.search(r"fk_[0-9a-f]{8}_[\w-]+", message).group(0)
    row = FrontendKey.objects.get()
    assert key not in {row.name, row.prefix, row.key_hash}
    assert key in client.get(response["Location"]).content.decode()  # shown once...
    assert key not in client.get(f"/admin/frontendkey/edit/{row.pk}/").content.decode()
    assert key not in client.get("/admin/frontendkey/").content.decode()  # ...then never
    client.logout()
    assert _post(client, key=key, visitor=VISITOR).status_code == 201
    row.refresh_from_db()
    assert row.last_used_at is not None
