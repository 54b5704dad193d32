"""The page editor's live preview panel shows the page, and its checks (axe, words, reading time)
report real values, for every kind of page."""

import pytest
from django.core.management import call_command
from wagtail.images import get_image_model

from blog.models import BlogPage
from home.models import ContactPage, HomePage
from tests.blog.factories import ensure_wagtail_tree
from tests.e2e.conftest import admin_login, make_superuser

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    ensure_wagtail_tree()
    call_command("load_demo_content", verbosity=0)
    # Alt text that is a file name, as the editor's upload once produced: axe's alt-text-quality
    # rule in Wagtail's checks must report it, which proves the checks really ran in the preview.
    get_image_model().objects.update(description="IMG_2041.jpg")
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

    page.locator("[data-side-panel-toggle='checks']").click()
    words = page.locator("[data-content-word-count]")
    page.wait_for_function(
        "() => document.querySelector('[data-content-word-count]').textContent.trim() !== '-'",
        timeout=20_000,
    )
    page.screenshot(path=str(artifacts_dir / f"preview-{model.__name__}.png"))
    assert int(words.inner_text().replace(",", "")) > 0
    assert page.locator("[data-content-reading-time]").inner_text().strip() != "-"
    count = page.locator("[data-content-checker-count]")
    if model is BlogPage:
        # The article shows the hero image whose alt text is a file name.
        page.locator("[data-checks-panel] [data-content-checker-row]").first.wait_for()
        assert int(count.inner_text()) >= 1
        assert (
            "Image alt text has inappropriate pattern"
            in page.locator("[data-checks-panel]").inner_text()
        )
    else:
        assert count.inner_text().strip().isdigit()
