"""A visitor asks for a consultation from an article; a Lead manager finds the request."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

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

    page.wait_for_url(f"{live_server.url}/consultation/thanks/")
    assert page.get_by_role("heading", name="Thank you, your request has been sent").is_visible()
    assert "robin" not in page.url.lower()
    page.screenshot(path=str(artifacts_dir / "leads-thanks.png"), full_page=True)

    lead = Lead.objects.get()
    assert (lead.name, lead.phone) == ("Robin Browser", "+14085550123")
    assert lead.source_page_id == article.pk and lead.source_block_id
    assert (lead.utm_source, lead.utm_campaign) == ("newsletter", "trust")
    assert not lead.is_spam

    manager = get_user_model().objects.create_user("manager", "m@example.org", "s3cret-pass!")
    manager.groups.add(Group.objects.get(name="Lead managers"))
    sign_in_browser(page, live_server.url, "manager", "s3cret-pass!")
    assert (
        page.get_by_text("1 new request").first.is_visible()
        or page.get_by_text("new request").first.is_visible()
    )
    page.goto(f"{live_server.url}/admin/leads/lead/")
    row = page.get_by_role("row").filter(has_text="Robin Browser")
    assert row.is_visible()
    assert "When trust is broken" in row.inner_text()
    page.screenshot(path=str(artifacts_dir / "leads-admin-list.png"), full_page=True)
