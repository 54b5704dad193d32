"""The page editor's live preview panel shows the page, and its checks (axe, words, reading time)
report real values, for every kind of page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from wagtail.images import get_image_model

from blog.models import BlogPage
from home.models import ContactPage, HomePage
from tests.blog.factories import ensure_wagtail_tree
from tests.e2e.conftest import admin_login, make_superuser

pytestmark = pytest.mark.browser

FILE_NAME_ALT = "IMG_2041.jpg"
ALT_TEXT_ISSUE = "Image alt text has inappropriate pattern"  # Wagtail's name for alt-text-quality


@pytest.fixture
def demo(transactional_db):
    ensure_wagtail_tree()
    call_command("load_demo_content", verbosity=0)
    # Alt text that is a file name, as the editor's upload once produced: axe's alt-text-quality
    # rule in Wagtail's checks must report it, which proves the checks really ran in the preview.
    get_image_model().objects.update(description=FILE_NAME_ALT)
    return make_superuser()


@pytest.mark.parametrize("model", [BlogPage, HomePage, ContactPage], ids=lambda m: m.__name__)
def test_preview_panel_shows_the_page_and_its_checks(page, live_server, demo, model, artifacts_dir):
    target = model.objects.live().first()
    page.set_viewport_size({"width": 1600, "height": 1000})
    admin_login(page, live_server.url, *demo)
    # The heading the public page shows (a home page's is its hero's, not its title).
    public = page.context.new_page()
    public.goto(f"{live_server.url}{target.url}")
    heading = public.locator("main h1").first.inner_text()
    public.close()
    page.goto(f"{live_server.url}/admin/pages/{target.pk}/edit/")
    page.locator("[data-side-panel-toggle='preview']").click()
    frame = page.frame_locator("#w-preview-iframe")
    frame.locator("main h1").first.wait_for(timeout=20_000)
    assert frame.locator("main h1").first.inner_text() == heading
    # Each kind of page shows at least one image (an article's hero, the home page's hero and
    # map, the contact page's map), every one with the file-name alt text.
    flagged = frame.locator(f"img[alt='{FILE_NAME_ALT}']").count()
    assert flagged >= 1, "the preview shows no image with a file name for alt text"

    page.locator("[data-side-panel-toggle='checks']").click()
    words = page.locator("[data-content-word-count]")
    page.wait_for_function(
        "() => document.querySelector('[data-content-word-count]').textContent.trim() !== '-'",
        timeout=20_000,
    )
    page.screenshot(path=str(artifacts_dir / f"preview-{model.__name__}.png"))
    assert int(words.inner_text().replace(",", "")) > 0
    assert page.locator("[data-content-reading-time]").inner_text().strip() != "-"
    # The panel starts at "0 issues" and stays there when the checks cannot reach the preview
    # (the original bug): every kind of page must list each of its file-name alt texts.
    count = page.locator("[data-content-checker-count]")
    rows = page.locator("[data-checks-panel] [data-content-checker-row]")
    expect(rows.filter(has_text=ALT_TEXT_ISSUE)).to_have_count(flagged, timeout=20_000)
    expect(count).to_have_text(str(rows.count()))
    assert int(count.inner_text()) >= flagged >= 1
