import json

import pytest
from django.core.cache import cache

from tests.leads.factories import api_payload, form_data


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counters():
    """Rate-limit counters live in the (in-process) cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def post_form(client):
    """POST the HTML consultation form: `post_form(name="...")`, `...` drops a field."""

    def post(**overrides):
        return client.post(
            "/consultation/",
            form_data(**overrides),
            REMOTE_ADDR="203.0.113.7",
            headers={"Origin": "http://testserver"},
        )

    return post


@pytest.fixture
def post_api(client):
    """POST JSON to the API: `post_api(email="...")`, or `post_api(raw=b"...")` for a raw body."""

    def post(raw: bytes | None = None, content_type="application/json", headers=None, **fields):
        body = raw if raw is not None else json.dumps(api_payload(**fields))
        return client.post(
            "/api/v2/leads/",
            data=body,
            content_type=content_type,
            REMOTE_ADDR="203.0.113.9",
            headers=headers or {},
        )

    return post
