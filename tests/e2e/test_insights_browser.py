"""A reader loads the seed article, follows its call to action and asks for a consultation; an
editor then finds those views, the click and the request in "Articles and requests"."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from playwright.sync_api import expect

from blog.models import BlogPage
from insights.models import PageViewDay
from insights.services import flush_counters
from leads.models import Lead
from tests.blog.factories import ensure_wagtail_tree
from tests.staff import sign_in_browser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A reader's browser: the test's headless Chromium says "HeadlessChrome", which is a bot.
READER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
PASSWORD = "s3cret-pass!"
READS = 3


@pytest.fixture
def seed_article(settings, redis_server):
    settings.LEADS_MIN_FILL_SECONDS = 0  # the robot types faster than any person
    settings.INSIGHTS_PUSH_SECONDS = 0  # the flush below pushes this process's counts itself
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "cms.serving.resilient_cache.ResilientRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "cms",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }
    ensure_wagtail_tree()
    call_command("load_demo_content", verbosity=0)
    return BlogPage.objects.get(slug="rebuilding-trust")


def staff_member(group: str) -> str:
    username = group.lower().replace(" ", "-")
    user = get_user_model().objects.create_user(username, f"{username}@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name=group))
    return username


def report_row(page, article):
    page.get_by_role("button", name="Reports").click()
    page.get_by_role("link", name="Articles and requests").click()
    expect(page.get_by_role("heading", name="Articles and requests").first).to_be_visible()
    return page.locator(f"tr[data-page-id='{article.pk}']")


def test_editor_sees_the_articles_views_clicks_and_requests(
    seed_article, browser, live_server, artifacts_dir
):
    base = live_server.url
    # Each read in a browser of its own: the article is a shared cached page now, and a browser
    # that kept it may show it again without asking (a view the server cannot see).
    for _ in range(READS):
        reader = browser.new_context(user_agent=READER_UA)
        page = reader.new_page()
        page.goto(f"{base}{seed_article.url}")
        expect(page.get_by_role("heading", level=1)).to_have_text(seed_article.title)
        if _ < READS - 1:
            reader.close()

    cta = page.locator("a[data-insights-cta]").first
    with page.expect_request(re.compile(r"/api/v2/clicks/$")) as beacon:
        cta.click()
    assert beacon.value.method == "POST"
    reader.close()
    reader = browser.new_context(user_agent=READER_UA)  # a reader comes back later: a 4th view
    page = reader.new_page()
    page.goto(f"{base}{seed_article.url}#consultation-form")
    form = page.locator("section.consultation-form")
    form.get_by_label("Your name").fill("Robin Reader")
    form.get_by_label("Email address").fill("robin.reader@example.org")
    form.get_by_label("Phone number").fill("(408) 555-0123")
    form.get_by_label("I agree").check()
    form.get_by_role("button", name=re.compile("Send")).click()
    page.wait_for_url(re.compile(r"/consultation/thanks/"))
    reader.close()

    lead = Lead.objects.get()
    assert lead.source_page_id == seed_article.pk and not lead.is_spam
    views = READS + 1
    flush_counters()
    assert PageViewDay.objects.get(page=seed_article).views == views  # no more, no fewer

    editor = browser.new_context()
    page = editor.new_page()
    sign_in_browser(page, base, staff_member("Editors"), PASSWORD)
    row = report_row(page, seed_article)
    expect(row.locator("[data-col=views]")).to_have_text(str(views))
    expect(row.locator("[data-col=clicks]")).to_have_text("1")
    expect(row.locator("[data-col=requests]")).to_have_text("1")
    expect(row.locator("[data-col=conversion]")).to_have_text(f"{round(100 / views, 1)}%")
    expect(page.get_by_role("columnheader", name="Became clients")).to_have_count(0)
    expect(page.locator("figure svg")).to_be_visible()
    page.screenshot(path=str(artifacts_dir / "insights-report-editor.png"), full_page=True)
    editor.close()

    manager = browser.new_context()
    page = manager.new_page()
    sign_in_browser(page, base, staff_member("Lead managers"), PASSWORD)
    row = report_row(page, seed_article)
    expect(page.get_by_role("columnheader", name="Became clients")).to_be_visible()
    expect(row.locator("[data-col=requests]")).to_have_text("1")
    manager.close()
