"""A visitor on a phone or a desktop reaches the therapist's profile, a service, the fees and the
booking button from the home page in at most two taps, in Chromium; screenshots of home, profile,
service and contact in both sizes go to artifacts/."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from tests.blog.factories import ensure_wagtail_tree

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 2,
    },
}
BOOKING = "https://booking.example/willow-creek"


@pytest.fixture
def demo_site(transactional_db):
    ensure_wagtail_tree()
    call_command("load_demo_content", verbosity=0)


@pytest.fixture(params=list(VIEWPORTS))
def visitor(request, browser, live_server, demo_site):
    context = browser.new_context(**VIEWPORTS[request.param])
    page = context.new_page()
    page.size_name = request.param
    page.tap_or_click = (
        (lambda loc: loc.tap()) if request.param == "phone" else (lambda loc: loc.click())
    )
    yield page
    context.close()


def start(page, live_server) -> None:
    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")


def test_profile_is_one_tap_from_home(visitor, live_server):
    start(visitor, live_server)
    visitor.tap_or_click(visitor.get_by_role("link", name="Dr. Maya Ortega, LMFT, CSAT, CPTT"))
    visitor.wait_for_url("**/team/maya-ortega/")
    assert (
        visitor.get_by_role("heading", level=1).inner_text() == "Dr. Maya Ortega, LMFT, CSAT, CPTT"
    )
    assert visitor.get_by_text("Accepting new clients").is_visible()


def test_a_service_is_one_tap_from_home(visitor, live_server):
    start(visitor, live_server)
    visitor.tap_or_click(visitor.get_by_role("link", name="Couples therapy", exact=True).first)
    visitor.wait_for_url("**/services/couples-therapy/")
    assert visitor.get_by_role("heading", name="What to expect").is_visible()


def test_fees_are_on_home_and_one_tap_away_in_the_menu(visitor, live_server):
    start(visitor, live_server)
    fees = visitor.locator(".fees__table").first
    fees.scroll_into_view_if_needed()
    assert fees.is_visible()
    assert "$240" in fees.inner_text()
    visitor.tap_or_click(
        visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Services")
    )
    visitor.wait_for_url("**/services/")
    assert "$240" in visitor.locator(".fees__table").inner_text()


def test_booking_and_call_buttons_are_in_view_on_arrival(visitor, live_server):
    """No tap or scroll needed to see them: the next tap books or calls."""
    start(visitor, live_server)
    header_book = visitor.locator("header .header-book")
    assert header_book.get_attribute("href") == BOOKING
    assert header_book.is_visible() and header_book.bounding_box()["y"] < 844
    hero = visitor.locator(".hero")
    assert (
        hero.get_by_role("link", name="Book a free consultation").get_attribute("href") == BOOKING
    )
    call = hero.get_by_role("link", name="Call (408) 555-0142")
    assert call.get_attribute("href") == "tel:+14085550142"
    assert call.bounding_box()["y"] < 844 * 1.5
    # The consultation form is two taps away: Contact in the menu, then its form.
    visitor.tap_or_click(
        visitor.get_by_role("navigation", name="Main").get_by_role("link", name="Contact")
    )
    visitor.wait_for_url("**/contact/")
    assert visitor.get_by_role("button", name="Send my request").is_visible()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("home", "/"),
        ("profile", "/team/maya-ortega/"),
        ("service", "/services/couples-therapy/"),
        ("contact", "/contact/"),
    ],
)
def test_screenshots(visitor, live_server, artifacts_dir, name, path):
    visitor.goto(live_server.url + path)
    visitor.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    visitor.wait_for_load_state("networkidle")
    visitor.evaluate("window.scrollTo(0, 0)")
    target = artifacts_dir / f"practice-{name}-{visitor.size_name}.png"
    visitor.screenshot(path=str(target), full_page=True)
    assert target.stat().st_size > 10_000
    assert visitor.locator(".crisis-notice").is_visible()
