"""A Lead manager's first sign-in in a browser: enrolment before any lead, then a code each time."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.e2e.test_content_accessibility import axe_violations
from tests.leads.test_admin import SECRET_NAME, every_lead_url, make_lead
from tests.staff import app_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-enough-passphrase"


def test_lead_manager_enrols_before_reaching_any_lead_then_needs_the_code(
    page, browser, live_server, artifacts_dir
):
    base = live_server.url
    lead = make_lead()
    manager = get_user_model().objects.create_user("manager", "m@example.org", PASSWORD)
    manager.groups.add(Group.objects.get(name="Lead managers"))

    page.goto(f"{base}/admin/login/")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/admin/two-factor/setup/**")
    assert page.locator("h1").first.inner_text() == "Set up two-factor sign-in"
    assert page.locator(".two-factor-qr svg").is_visible()
    page.screenshot(path=str(artifacts_dir / "two-factor-setup.png"), full_page=True)
    assert axe_violations(page) == []

    for url in every_lead_url(lead):
        page.goto(f"{base}{url}")
        assert page.url.startswith(f"{base}/admin/two-factor/setup/"), url
        assert SECRET_NAME not in page.content(), url

    key = page.locator("[data-two-factor-key]").inner_text().replace(" ", "")
    page.fill("input[name=code]", app_code(key))
    page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{base}/admin/two-factor/recovery-codes/**")
    assert page.locator("[data-recovery-codes] li").count() == 10
    page.get_by_role("link", name="I have saved them, continue").click()
    page.goto(f"{base}/admin/leads/lead/")
    assert page.get_by_role("row").filter(has_text=SECRET_NAME).is_visible()

    # Another browser: the password alone reaches no lead; the app's code does.
    context = browser.new_context()
    other = context.new_page()
    other.goto(f"{base}/admin/login/")
    other.fill("input[name=username]", "manager")
    other.fill("input[name=password]", PASSWORD)
    other.click("button[type=submit]")
    other.wait_for_url(f"{base}/admin/two-factor/verify/**")
    assert axe_violations(other) == []
    other.goto(f"{base}/admin/leads/lead/edit/{lead.pk}/")
    assert other.url.startswith(f"{base}/admin/two-factor/verify/")
    assert SECRET_NAME not in other.content()

    other.fill("input[name=code]", "000000")
    other.click("form.login-form button[type=submit]")
    other.get_by_text("That code did not work").wait_for()
    assert other.url.startswith(f"{base}/admin/two-factor/verify/")
    time.sleep(1.1)  # django-otp makes the next try wait 1 s after a wrong code
    # The code of the next 30-second step (the one used at enrolment cannot be used again);
    # the device accepts one step of clock drift, as a phone running a little fast shows.
    other.fill("input[name=code]", app_code(key, at=time.time() + 30))
    other.click("form.login-form button[type=submit]")
    other.wait_for_url(f"{base}/admin/leads/lead/edit/{lead.pk}/")
    assert other.get_by_text(SECRET_NAME).first.is_visible()
    other.screenshot(path=str(artifacts_dir / "two-factor-verified-lead.png"), full_page=True)
    context.close()
