"""An editor builds and publishes an article in the Wagtail admin, then reads it on the site."""

import pytest
from django.contrib.auth import get_user_model

from blog.models import BlogPage
from tests.blog.factories import make_author, make_cta, make_index, make_site
from tests.e2e.conftest import publish_new_page
from tests.staff import sign_in_browser

pytestmark = pytest.mark.browser

PASSWORD = "s3cret-pass!"


@pytest.fixture
def editor_site(transactional_db):
    index = make_index(make_site())
    get_user_model().objects.create_superuser("editor", "editor@example.com", PASSWORD)
    return {
        "index": index,
        "cta": make_cta(name="Phone consultation", heading="Call us for a free consultation"),
        "author": make_author(name="Jordan Lee", credentials="LMFT, CSAT, CPTT"),
    }


def choose_in_modal(page, chooser_id: str, name: str) -> None:
    """Open a chooser and pick the row called `name` in its modal."""
    page.locator(f"#{chooser_id} .unchosen button").click()
    page.locator("[role=dialog] a[data-chooser-modal-choice]", has_text=name).click()
    page.locator(f"#{chooser_id}:not(.blank)").wait_for()


def test_editor_creates_publishes_and_reads_an_article(
    page, live_server, editor_site, artifacts_dir
):
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in_browser(page, base, "editor", PASSWORD)

    page.goto(f"{base}/admin/pages/add/blog/blogpage/{editor_site['index'].pk}/")
    page.fill("#id_title", "Finding your footing after betrayal")
    page.fill("#id_summary", "First steps for partners who have just found out.")

    def add_block(label: str) -> None:
        page.locator("button.c-sf-add-button").last.click()
        page.get_by_role("option", name=label, exact=True).click()

    add_block("Heading")
    page.fill("#body-0-value-text", "Where to begin")
    add_block("Paragraph")
    page.locator("[data-contentpath='body'] .public-DraftEditor-content").last.click()
    page.keyboard.type("Healing starts with one honest conversation.")
    add_block("Call to action")
    choose_in_modal(page, "body-2-value-snippet-chooser", "Phone consultation")
    add_block("Author bio")
    choose_in_modal(page, "body-3-value-author-chooser", "Jordan Lee")

    page.get_by_role("tab", name="Authors and topics").click()
    choose_in_modal(page, "id_article_authors-0-author-chooser", "Jordan Lee")
    page.screenshot(path=str(artifacts_dir / "editor-article-form.png"), full_page=True)

    publish_new_page(page)
    page.wait_for_url(f"{base}/admin/pages/{editor_site['index'].pk}/")
    page.screenshot(path=str(artifacts_dir / "editor-article-published.png"), full_page=True)

    article = BlogPage.objects.get(title="Finding your footing after betrayal")
    assert article.live
    page.goto(f"{base}{article.url}")
    cta_link = page.locator(".cta a.button")
    assert cta_link.get_attribute("href") == "tel:+14085550142"
    assert page.locator("h2#where-to-begin").inner_text() == "Where to begin"
    assert "Healing starts with one honest conversation." in page.content()
    bio = page.locator(".block-author-bio")
    assert "Jordan Lee, LMFT, CSAT, CPTT" in bio.inner_text()
    assert editor_site["author"].license_number in bio.inner_text()
    page.screenshot(path=str(artifacts_dir / "editor-article-public.png"), full_page=True)
