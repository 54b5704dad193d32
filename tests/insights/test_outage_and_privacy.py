"""Redis down: pages answer 200 and counting resumes; nothing stored identifies a visitor."""

from __future__ import annotations

import json

import pytest
import redis

from insights import counting
from insights.models import CampaignSourceDay, CtaClickDay, FlushedBatch, PageViewDay
from insights.services import flush_counters
from tests.insights.conftest import BROWSER_UA
from tests.services import wait_for

pytestmark = pytest.mark.django_db

VISITOR_IP = "203.0.113.77"


def test_pages_answer_with_redis_stopped_and_counts_resume_when_it_returns(
    article, visitor, redis_cache
):
    assert visitor.get(article.url).status_code == 200
    assert flush_counters() == 1

    redis_cache.stop()
    for _ in range(3):
        assert visitor.get(article.url).status_code == 200
    assert flush_counters_or_nothing() == 0

    redis_cache.start()
    # The cache's breaker probes in the background; counting resumes once it answers.
    wait_for(
        lambda: visitor.get(article.url).status_code == 200 and flush_counters() > 0,
        timeout=10,
        interval=0.3,
        what="counting to resume",
    )
    assert PageViewDay.objects.get(page=article).views >= 2


def flush_counters_or_nothing() -> int:
    try:
        return flush_counters()
    except Exception:
        return 0


def test_a_batch_is_written_once_even_when_the_flush_is_retried(article, visitor, redis_cache):
    for _ in range(4):
        visitor.get(article.url)
    assert counting.push()
    client = redis.Redis.from_url(redis_cache.url)
    day_keys = client.keys("*insights:day:*")
    assert len(day_keys) == 1
    # A flush that renamed the day's hash and wrote it, but died before deleting the batch.
    batch = day_keys[0].replace(b"insights:day:", b"insights:flushing:") + b":retry"
    client.rename(day_keys[0], batch)
    client_copy = client.dump(batch)
    assert flush_counters() == 4
    client.restore(batch, 0, client_copy)
    assert flush_counters() == 0
    assert PageViewDay.objects.get(page=article).views == 4
    assert FlushedBatch.objects.count() == 1
    assert client.keys("*insights:*") == []


def test_nothing_counted_holds_an_address_a_user_agent_or_a_cookie(
    article, client, redis_cache, settings
):
    cta_id = next(block.id for block in article.body if block.block_type == "cta")
    client.cookies["visitor"] = "cookie-value-123"
    headers = {"HTTP_USER_AGENT": BROWSER_UA, "REMOTE_ADDR": VISITOR_IP}
    client.get(article.url + "?utm_source=newsletter", **headers)
    client.post(
        "/api/v2/clicks/",
        json.dumps({"page": article.pk, "cta": cta_id, "action": "booking"}),
        content_type="application/json",
        **headers,
    )
    client.post(
        "/api/v2/views/",
        json.dumps({"page": article.pk}),
        content_type="application/json",
        **headers,
    )
    assert counting.push()
    raw = redis.Redis.from_url(redis_cache.url)
    stored_in_redis = b" ".join(
        key + b" " + b" ".join(k + b"=" + v for k, v in raw.hgetall(key).items())
        if raw.type(key) == b"hash"
        else key + b" " + (raw.get(key) or b"")
        for key in raw.keys("*")
    )
    flush_counters()
    rows = [
        list(model.objects.values())
        for model in (PageViewDay, CampaignSourceDay, CtaClickDay, FlushedBatch)
    ]
    assert PageViewDay.objects.get(page=article).views == 2
    assert CtaClickDay.objects.get(page=article).clicks == 1
    everything = stored_in_redis.decode(errors="replace") + repr(rows)
    for secret in (VISITOR_IP, "Safari", "Macintosh", "cookie-value-123", "sessionid"):
        assert secret not in everything


def test_a_frozen_redis_does_not_hold_pages_up(article, visitor, redis_cache):
    visitor.get(article.url)
    redis_cache.freeze()
    try:
        statuses = [visitor.get(article.url).status_code for _ in range(5)]
    finally:
        redis_cache.thaw()
    assert statuses == [200] * 5


def test_each_process_pushes_its_counts_to_redis_every_second(
    article, visitor, redis_cache, settings
):
    settings.INSIGHTS_PUSH_SECONDS = 0.2
    client = redis.Redis.from_url(redis_cache.url)
    assert visitor.get(article.url).status_code == 200
    wait_for(lambda: client.keys("*insights:day:*"), timeout=10, what="the push thread")
    settings.INSIGHTS_PUSH_SECONDS = 0
    assert flush_counters() == 1
