"""Fixtures for insights: an article with a CTA, a browser's user agent, a Redis-backed cache."""

from __future__ import annotations

import pytest

from insights import counting
from tests.blog.factories import make_article, make_index, make_site

BROWSER_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15"
)
BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"


@pytest.fixture(autouse=True)
def _no_waiting_counts(settings):
    """No counts or beacon limits left over from another test (locmem cache, local counts), and
    counts pushed to Redis when a test says so (the push thread has its own test)."""
    from django.core.cache import cache

    settings.INSIGHTS_PUSH_SECONDS = 0
    cache.clear()
    counting.take_local()
    yield
    counting.take_local()


@pytest.fixture
def article(db):
    home = make_site()
    index = make_index(home)
    return make_article(
        index,
        title="When trust is broken",
        slug="when-trust-is-broken",
        body=[
            ("paragraph", "<p>Some words about rebuilding trust.</p>"),
            ("cta", {"heading": "Talk to someone", "action": "booking", "emphasis": "strong"}),
        ],
    )


@pytest.fixture
def visitor(client):
    """A reader's browser: a real user agent, no cookies."""
    client.defaults["HTTP_USER_AGENT"] = BROWSER_UA
    return client


@pytest.fixture
def redis_cache(settings, redis_server):
    """The project's Redis cache backend against a private redis-server this test may stop."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "cms.serving.resilient_cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "cms",
            "OPTIONS": {"socket_connect_timeout": 0.1, "socket_timeout": 0.1, "retry_after": 0.5},
        },
    }
    from cms.serving import resilient_cache

    resilient_cache._down_until.clear()
    yield redis_server
    resilient_cache._down_until.clear()
