"""A visitor asks for a consultation from an article; a Lead manager finds the request."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import expect

from home.models import PracticeSettings
from leads.models import Lead
from tests.blog.factories import make_article, make_index, make_site
from tests.staff import sign_in_browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def article(transactional_db, settings):
    settings.LEADS_MIN_FILL_SECONDS = 0  # the robot types faster than any person
    home = make_site()
    index = make_index(home)
    return make_article(
        index,
        title="When trust is broken",
        body=[
            ("paragraph", "<p>Some words about rebuilding trust.</p>"),
            (
                "consultation_form",
                {"heading": "Book a free consult", "intro": "Free, secure and private."},
            ),
        ],
    )


def test_visitor_submits_article_form_and_lead_manager_finds_it(
    article, page, live_server, artifacts_dir
):
    page.goto(f"{live_server.url}{article.url}?utm_source=newsletter&utm_campaign=trust")
    form = page.locator("section.consultation-form")
    assert form.get_by_role("heading", name="Book a free consult").is_visible()
    form.get_by_label("Your name").fill("Robin Browser")
    form.get_by_label("Email address").fill("robin.browser@example.org")
    form.get_by_label("Phone number").fill("(408) 555-0123")
    form.get_by_label("Best times to reach you").fill("Mornings")
    form.get_by_label("Anything you would like us to know").fill("Hoping to talk soon.")
    form.get_by_label("I agree").check()
    page.screenshot(path=str(artifacts_dir / "leads-article-form.png"), full_page=True)
    form.get_by_role("button", name="Send my request").click()

    page.wait_for_url(f"{live_server.url}/consultation/thanks/?from={article.pk}")
    assert page.get_by_role("heading", name="Thank you, your request has been sent").is_visible()
    assert page.title() == f"Thank you | {PracticeSettings.objects.get().practice_name}"
    assert "robin" not in page.url.lower()
    back = page.get_by_role("link", name="Back to “When trust is broken”")
    assert back.get_attribute("href") == article.url
    page.screenshot(path=str(artifacts_dir / "leads-thanks.png"), full_page=True)

    lead = Lead.objects.get()
    assert (lead.name, lead.phone) == ("Robin Browser", "+14085550123")
    assert lead.source_page_id == article.pk and lead.source_block_id
    assert (lead.utm_source, lead.utm_campaign) == ("newsletter", "trust")
    assert not lead.is_spam

    sign_in_as_lead_manager(page, live_server.url)
    assert (
        page.get_by_text("1 new request").first.is_visible()
        or page.get_by_text("new request").first.is_visible()
    )
    page.goto(f"{live_server.url}/admin/leads/lead/")
    row = page.get_by_role("row").filter(has_text="Robin Browser")
    assert row.is_visible()
    assert row.get_by_role("link", name="Call (408) 555-0123").get_attribute("href") == (
        "tel:+14085550123"
    )
    page.screenshot(path=str(artifacts_dir / "leads-admin-list.png"), full_page=True)


def sign_in_as_lead_manager(page, base_url: str) -> None:
    """The one place these tests sign in: a member of "Lead managers", not a superuser."""
    manager = get_user_model().objects.create_user("manager", "m@example.org", "s3cret-pass!")
    manager.groups.add(Group.objects.get(name="Lead managers"))
    sign_in_browser(page, base_url, "manager", "s3cret-pass!")


@pytest.mark.parametrize(
    ("method", "link_name", "href"),
    [
        (Lead.ContactMethod.PHONE, "Call (408) 555-0177", "tel:+14085550177"),
        (Lead.ContactMethod.TEXT, "Text (408) 555-0177", "sms:+14085550177"),
    ],
    ids=["call", "text"],
)
def test_lead_manager_finds_a_new_lead_by_name_and_the_link_reaches_them(
    page, live_server, transactional_db, artifacts_dir, method, link_name, href
):
    make_site()
    for number, name in enumerate(["Ana Alvarez", "Ben Brook", "Cleo Cruz"]):
        Lead.objects.create(
            name=name,
            email=f"person{number}@example.org",
            phone=f"+1408555010{number}",
            consent_version="2026-01",
            consented_at=timezone.now(),
            received_at=timezone.now() - timedelta(hours=number + 1),
        )
    Lead.objects.create(
        name="Dana Whitfield",
        email="dana@example.org",
        phone="+14085550177",
        preferred_contact=method,
        preferred_times="after 6 pm",
        consent_version="2026-01",
        consented_at=timezone.now(),
        received_at=timezone.now() - timedelta(hours=2, minutes=10),
    )

    sign_in_as_lead_manager(page, live_server.url)
    page.goto(f"{live_server.url}/admin/leads/lead/")
    page.get_by_role("textbox", name="Search").fill("Whitfield")
    page.keyboard.press("Enter")
    rows = page.locator("table.listing tbody tr")
    expect(rows).to_have_count(1)  # the list narrows to the name searched for
    row = rows.first
    link = row.get_by_role("link", name=link_name)
    assert link.get_attribute("href") == href
    assert "after 6 pm" in row.inner_text() and "2 h ago" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / f"leads-list-{method}.png"), full_page=True)

    row.get_by_role("link", name="Dana Whitfield").click()
    verb = "Call" if method == Lead.ContactMethod.PHONE else "Text"
    next_step = page.get_by_role("link", name=f"{verb} Dana now: (408) 555-0177")
    assert next_step.get_attribute("href") == href
    page.get_by_role("button", name="Mark as contacted").click()
    page.get_by_text("marked as contacted").wait_for()
    assert Lead.objects.get(name="Dana Whitfield").status == Lead.Status.CONTACTED
    page.screenshot(path=str(artifacts_dir / f"leads-detail-{method}.png"), full_page=True)


def test_visitor_sends_the_form_from_a_cached_article(article, page, live_server):
    """The article comes from the content cache (no per-visitor token in it); the browser's own
    Origin lets the request through, and the referrer is filled in by the page's script."""
    url = f"{live_server.url}{article.url}"
    assert page.request.get(url).headers["x-cache"] == "miss"  # another visitor, before
    cached = page.goto(url, referer="https://search.example/results")
    assert cached.headers["x-cache"] == "hit"
    form = page.locator("section.consultation-form")
    form.get_by_label("Your name").fill("Sam Cached")
    form.get_by_label("Email address").fill("sam.cached@example.org")
    form.get_by_label("Phone number").fill("(408) 555-0124")
    form.get_by_label("I agree").check()
    form.get_by_role("button", name="Send my request").click()

    page.wait_for_url(f"{live_server.url}/consultation/thanks/?from={article.pk}")
    lead = Lead.objects.get()
    assert lead.name == "Sam Cached" and not lead.is_spam, lead.spam_reason
    assert lead.referrer_host == "search.example"
