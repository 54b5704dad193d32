"""An editor (a member of Editors, not a superuser) writes, illustrates and publishes an article
with a new author, a new call to action and a redirect, all in the browser; a new page starts
calm, without a validation banner."""

import pytest

from tests.blog.factories import make_index, make_site
from tests.e2e.conftest import STAFF_PASSWORD, admin_login, publish_new_page

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(transactional_db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    index = make_index(make_site())
    user = get_user_model().objects.create_user("writer", "writer@example.org", STAFF_PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return {"index": index, "username": "writer"}


@pytest.mark.parametrize("kind", ["blog/blogpage", "home/standardpage", "home/contactpage"])
def test_a_new_page_autosaves_without_a_validation_banner(page, editor, settled_server, kind):
    """A brand-new page shows no "Autosave is paused / There are validation errors" banner, before
    any edit and after the title is typed (the article's empty author row used to fail it)."""
    base = settled_server.url
    page.set_viewport_size({"width": 1400, "height": 1000})
    admin_login(page, base, editor["username"], STAFF_PASSWORD)
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" else None)
    parent = editor["index"] if kind.startswith("blog/") else editor["index"].get_parent()
    page.goto(f"{base}/admin/pages/add/{kind}/{parent.pk}/")
    page.locator("#id_title").wait_for()
    page.wait_for_timeout(2000)
    assert saves == [], "a pristine page was saved"
    assert not page.get_by_text("Autosave is paused").first.is_visible()

    with page.expect_response(lambda r: r.request.method == "POST") as autosave:
        page.fill("#id_title", "A title is all it takes")
    assert autosave.value.status == 200, autosave.value.text()
    page.locator("#w-autosave-indicator").get_by_text("Saved").wait_for()
    page.screenshot(path=f"artifacts/autosave-{kind.replace('/', '-')}.png")
    assert not page.get_by_text("Autosave is paused").first.is_visible()
    assert not page.get_by_text("There are validation errors").is_visible()


def choose_in_modal(page, chooser_id: str, name: str) -> None:
    """Open a chooser and pick the row called `name` in its modal."""
    page.locator(f"#{chooser_id} .unchosen button").click()
    page.locator("[role=dialog] a[data-chooser-modal-choice]", has_text=name).click()
    page.locator(f"#{chooser_id}:not(.blank)").wait_for()


def png(path) -> str:
    from PIL import Image

    Image.new("RGB", (1200, 630), (120, 150, 140)).save(path, format="PNG")
    return str(path)


TITLE = "Finding your footing after betrayal"
SLUG = "finding-your-footing-after-betrayal"
OLD_PATH = "/2019/05/finding-your-footing"


def test_an_editor_writes_illustrates_and_publishes_an_article(
    page, live_server, editor, tmp_path, artifacts_dir
):
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 1000})
    admin_login(page, base, editor["username"], STAFF_PASSWORD)

    # A new call to action.
    page.goto(f"{base}/admin/snippets/home/calltoaction/add/")
    page.fill("#id_name", "First session by phone")
    page.fill("#id_heading", "Start with a free 15-minute call")
    page.locator("button[type=submit]", has_text="Save").first.click()
    page.wait_for_url(f"{base}/admin/snippets/home/calltoaction/")

    # The article: text, a hero image uploaded with its alt text, the new CTA.
    page.goto(f"{base}/admin/pages/add/blog/blogpage/{editor['index'].pk}/")
    page.fill("#id_title", TITLE)
    page.fill("#id_summary", "First steps for partners who have just found out.")
    page.locator("#id_hero_image-chooser .unchosen button").click()
    dialog = page.locator("[role=dialog]")
    dialog.get_by_role("tab", name="Upload").click()
    dialog.locator("#id_image-chooser-upload-title").fill("Two armchairs")
    dialog.locator("#id_image-chooser-upload-file").set_input_files(png(tmp_path / "IMG_2041.png"))
    dialog.locator("button[type=submit]", has_text="Upload").click()
    dialog.get_by_text("Add alt text that describes the image").wait_for()
    dialog.locator("#id_image-chooser-upload-description").fill("Two armchairs by a window")
    dialog.locator("#id_image-chooser-upload-file").set_input_files(png(tmp_path / "IMG_2041.png"))
    dialog.locator("button[type=submit]", has_text="Upload").click()
    page.locator("#id_hero_image-chooser:not(.blank)").wait_for()

    def add_block(label: str) -> None:
        page.locator("button.c-sf-add-button").last.click()
        page.get_by_role("option", name=label, exact=True).click()

    add_block("Paragraph")
    page.locator("[data-contentpath='body'] .public-DraftEditor-content").last.click()
    page.keyboard.type("Healing starts with one honest conversation.")
    add_block("Call to action")
    choose_in_modal(page, "body-1-value-snippet-chooser", "First session by phone")

    # A new author, created from the article's author chooser.
    page.get_by_role("tab", name="Authors and topics").click()
    page.locator("#id_article_authors-0-author-chooser .unchosen button").click()
    dialog.get_by_role("tab", name="Add a new author").click()
    dialog.locator("[name=name]").fill("Jordan Lee")
    dialog.locator("[name=credentials]").fill("LMFT")
    dialog.locator("[name=short_bio]").fill("Jordan helps couples rebuild trust.")
    dialog.locator("button[type=submit]", has_text="Add a new author").click()
    page.locator("#id_article_authors-0-author-chooser:not(.blank)").wait_for()
    page.screenshot(path=str(artifacts_dir / "editors-article-form.png"), full_page=True)

    publish_new_page(page)
    try:
        page.wait_for_url(f"{base}/admin/pages/{editor['index'].pk}/")
    finally:
        page.screenshot(path=str(artifacts_dir / "editors-article-published.png"), full_page=True)

    # A redirect from the article's old address.
    page.goto(f"{base}/admin/redirects/add/")
    page.fill("#id_old_path", OLD_PATH)
    page.locator("#id_redirect_page-chooser .unchosen button").click()
    dialog.locator("input[name=q]").fill("footing")
    dialog.locator("input[name=q]").press("Enter")
    dialog.locator("a.choose-page", has_text=TITLE).click()
    page.locator("#id_redirect_page-chooser:not(.blank)").wait_for()
    page.locator(".modal[role=dialog]").wait_for(state="hidden")
    page.locator("footer button[type=submit]", has_text="Create").click()
    page.wait_for_url(f"{base}/admin/redirects/")

    # What a reader gets.
    moved = page.request.get(f"{base}{OLD_PATH}", max_redirects=0)
    assert moved.status == 301
    assert moved.headers["location"].endswith(f"/{SLUG}/")
    page.goto(f"{base}{moved.headers['location']}")
    assert page.locator("h1").first.inner_text() == TITLE
    assert page.locator(".article__hero img").get_attribute("alt") == "Two armchairs by a window"
    assert "Start with a free 15-minute call" in page.locator(".cta").first.inner_text()
    assert "Jordan Lee, LMFT" in page.content()
    page.screenshot(path=str(artifacts_dir / "editors-article-public.png"), full_page=True)

    # What an editor may not open: leads, users, groups, sites, notification settings (over HTTP).
    # A POST-only action (405 to a GET) is POSTed, with the CSRF token a page would send.
    token = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    reached = {}
    for url in forbidden_urls():
        status = page.request.get(f"{base}{url}", max_redirects=0).status
        if status == 405:
            status = page.request.post(
                f"{base}{url}", headers={"X-CSRFToken": token}, max_redirects=0
            ).status
        if status not in (302, 403):
            reached[url] = status
    assert reached == {}


def forbidden_urls() -> list[str]:
    from django.urls import reverse
    from wagtail.models import Site

    from leads.models import Lead
    from tests.leads.test_admin import every_lead_url, make_lead

    site = Site.objects.get(is_default_site=True).pk
    lead = Lead.objects.first() or make_lead()
    return [
        *every_lead_url(lead),
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsites:index"),
        # Practice settings open to Editors for fees, insurance, hours and location since
        # [practice-site]; the fields kept from them are tested in tests/home/test_practice_site.
        reverse("wagtailsettings:edit", args=["leads", "leadnotificationsettings", site]),
    ]
