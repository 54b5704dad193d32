"""Page views are counted on the server, cache hits included; bots and opted-out visitors not."""

from __future__ import annotations

import pytest

from insights.models import CampaignSourceDay, PageViewDay
from insights.services import flush_counters
from tests.insights.conftest import BOT_UA

pytestmark = pytest.mark.django_db


def views_of(page) -> PageViewDay | None:
    return PageViewDay.objects.filter(page=page).first()


def test_a_content_cache_hit_is_counted(article, visitor):
    first = visitor.get(article.url)
    second = visitor.get(article.url)
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first["X-Cache"], second["X-Cache"]) == ("miss", "hit")

    assert flush_counters() == 2
    assert views_of(article).views == 2


def test_a_revisit_answered_not_modified_is_counted(article, visitor):
    """A browser that kept the page asks again with its ETag; the 304 it gets is a page view."""
    first = visitor.get(article.url)
    again = visitor.get(article.url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (first.status_code, again.status_code) == (200, 304)

    assert flush_counters() == 2
    assert views_of(article).views == 2


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"HTTP_USER_AGENT": BOT_UA}, "a search engine's crawler"),
        ({"HTTP_USER_AGENT": "python-requests/2.32"}, "a script"),
        ({"HTTP_USER_AGENT": ""}, "no user agent"),
        ({"HTTP_SEC_GPC": "1"}, "Global Privacy Control"),
        ({"HTTP_DNT": "1"}, "Do Not Track"),
        ({"HTTP_SEC_PURPOSE": "prefetch"}, "a prefetch"),
    ],
)
def test_bots_and_opted_out_visitors_are_not_counted(article, visitor, headers, why):
    response = visitor.get(article.url, **headers)
    assert response.status_code == 200
    visitor.get(article.url)  # a reader, for contrast
    flush_counters()
    assert views_of(article).views == 1, why


def test_staff_admin_api_and_missing_pages_are_not_counted(article, visitor, admin_client):
    admin_client.get(article.url)
    visitor.get("/admin/login/")
    visitor.get(f"/api/v2/pages/{article.pk}/")
    visitor.get("/no-such-page/")
    visitor.get("/consultation/thanks/")
    flush_counters()
    assert PageViewDay.objects.count() == 0


@pytest.mark.parametrize(
    ("query", "referer", "kind"),
    [
        ("", "", "direct"),
        ("", "https://www.google.com/", "search"),
        ("", "https://duckduckgo.com/", "search"),
        ("", "https://l.facebook.com/", "social"),
        ("", "https://t.co/abc", "social"),
        ("", "http://testserver/blog/", "internal"),
        ("", "https://friends-blog.example/post", "other"),
        ("?utm_source=Newsletter&utm_medium=email", "https://mail.example/", "campaign"),
    ],
)
def test_views_by_referrer_kind(article, visitor, query, referer, kind):
    headers = {"HTTP_REFERER": referer} if referer else {}
    assert visitor.get(article.url + query, **headers).status_code == 200
    flush_counters()
    row = views_of(article)
    assert row.views == 1 and getattr(row, kind) == 1
    if kind == "campaign":
        assert CampaignSourceDay.objects.get(page=article).utm_source == "newsletter"


def test_counting_off_counts_nothing(article, visitor, settings):
    settings.INSIGHTS_COUNTING = False
    assert visitor.get(article.url).status_code == 200
    flush_counters()
    assert views_of(article) is None


def test_pages_load_the_click_counter_from_our_host_and_mark_their_ctas(article, visitor, client):
    html = visitor.get(article.url).content.decode()
    cta_id = next(block.id for block in article.body if block.block_type == "cta")
    assert (
        f'<script src="/static/insights/cta.js" data-page="{article.pk}" '
        'data-endpoint="/api/v2/clicks/" defer></script>'
    ) in html
    assert f'data-insights-cta="{cta_id}" data-insights-action="booking"' in html
    # The same bytes for another reader: nothing about the visitor is in the page.
    client.defaults["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0) Firefox/133.0"
    assert client.get(article.url).content.decode() == html


def test_beat_flushes_the_counters_every_minute_and_purges_daily(settings):
    from celery.schedules import crontab

    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert schedule["insights.tasks.flush_counters"] == 60
    assert isinstance(schedule["insights.tasks.purge_old_counts"], crontab)
