"""axe-core (from npm) finds no WCAG 2.1 A/AA violations on the public pages, in Chromium."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from blog.models import BlogIndexPage
from leads.models import Lead
from tests.blog.factories import (
    ensure_wagtail_tree,
    every_block,
    make_article,
    make_author,
    make_cta,
    make_image,
)
from tests.leads.factories import started_token

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture
def site(transactional_db):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` at the repository root (make install-dev)")
    ensure_wagtail_tree()
    call_command("load_demo_content", verbosity=0)
    index = BlogIndexPage.objects.get()
    article = make_article(
        index,
        title="An article with every block",
        body=every_block(make_image(), make_cta(), make_author()),
        authors=[make_author()],
        hero_image=make_image(size=(1200, 630)),
    )
    return {"article": article.url}


def axe_violations(page, url: str | None = None, tags: list[str] = WCAG_21_AA) -> list[dict]:
    if url is not None:
        page.goto(url)
    page.evaluate(AXE.read_text())
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5),
            }));
        }""",
        tags,
    )


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("blog-index", "/blog/"),
        ("article-every-block", "article"),
        ("demo-article", "/blog/after-the-discovery/"),
        ("contact", "/contact/"),
        ("search", "/search/?q=trust"),
        ("privacy", "/privacy-policy/"),
        ("team", "/team/"),
        ("profile", "/team/maya-ortega/"),
        ("services", "/services/"),
        ("service", "/services/couples-therapy/"),
    ],
)
def test_public_page_has_no_wcag_21_aa_violations(
    page, live_server, site, artifacts_dir, name, path
):
    url = live_server.url + site.get(path, path)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(url)
    page.wait_for_load_state("networkidle")
    violations = axe_violations(page)
    page.screenshot(path=str(artifacts_dir / f"axe-{name}.png"), full_page=True)
    assert violations == []
    other_hosts = {u for u in requested if urlsplit(u).netloc != urlsplit(live_server.url).netloc}
    assert other_hosts == set(), "public pages must not load anything from another host"


def test_axe_does_report_a_violation(page):
    """The check can fail: an image without alt text is reported."""
    page.set_content(
        '<html lang="en"><head><title>t</title></head><body><main>'
        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main></body></html>'
    )
    assert "image-alt" in [violation["id"] for violation in axe_violations(page)]


def test_form_with_errors_focuses_its_summary_and_has_no_violations(
    page, live_server, site, artifacts_dir
):
    """A failed submit: the error summary has the focus (read first by a screen reader), the
    page passes axe (WCAG 2.2 AA, target size included), and the inputs suit a phone."""
    page.goto(live_server.url + "/contact/")
    form = page.locator("section.consultation-form")
    assert form.get_by_label("Phone number").get_attribute("type") == "tel"
    assert form.get_by_label("Phone number").get_attribute("autocomplete") == "tel"
    assert form.get_by_label("Your name").get_attribute("autocomplete") == "name"
    assert form.get_by_label("Email address").get_attribute("autocomplete") == "email"
    form.get_by_label("Phone number").fill("12")
    form.get_by_role("button", name="Send my request").click()

    summary = page.get_by_role("alert").filter(has_text="with your request")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert "Please tell us your name." in summary.inner_text()
    assert page.title().count("|") == 1  # the site name once
    for control in [*page.locator("input[type=radio]").all(), page.get_by_label("I agree")]:
        box = control.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24
    violations = axe_violations(page, tags=[*WCAG_21_AA, "wcag22aa"])
    page.screenshot(path=str(artifacts_dir / "axe-form-errors.png"), full_page=True)
    assert violations == []


def test_form_sent_from_a_page_left_open_too_long_focuses_its_message_and_sends_again(
    page, live_server, site, artifacts_dir, settings
):
    """The page was open longer than the form token lives: the same error summary, with the
    focus on it and no axe violations, keeps what the person typed; Send again delivers."""
    settings.LEADS_FORM_TOKEN_MAX_AGE = 3600
    settings.LEADS_MIN_FILL_SECONDS = 30
    page.goto(live_server.url + "/contact/")
    form = page.locator("section.consultation-form")
    form.get_by_label("Your name").fill("Robin Weekend")
    form.get_by_label("Email address").fill("robin@example.org")
    form.get_by_label("Phone number").fill("(408) 555-0142")
    form.get_by_label("Anything you would like us to know").fill("Open since Friday.")
    form.get_by_label("I agree").check()
    form.locator("input[name=started]").evaluate(
        "(input, value) => { input.value = value; }", started_token(seconds_ago=3700)
    )
    form.get_by_role("button", name="Send my request").click()

    summary = page.get_by_role("alert").filter(has_text="open for a long time")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert "Nothing has been sent yet." in summary.inner_text()
    form = page.locator("section.consultation-form")
    assert form.get_by_label("Your name").input_value() == "Robin Weekend"
    assert form.get_by_label("Anything you would like us to know").input_value() == (
        "Open since Friday."
    )
    assert form.get_by_label("I agree").is_checked()
    violations = axe_violations(page, tags=[*WCAG_21_AA, "wcag22aa"])
    page.screenshot(path=str(artifacts_dir / "axe-form-expired.png"), full_page=True)
    assert violations == []

    form.get_by_role("button", name="Send my request").click()
    page.wait_for_url("**/consultation/thanks/**")
    lead = Lead.objects.get()
    assert not lead.is_spam and lead.notifications.exists()
