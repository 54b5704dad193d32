"""The one way tests sign staff in: with the second factor satisfied, as two-factor requires.

`sign_in(client, user)` for Django's test client; `sign_in_browser(page, base_url, username,
password)` drives the real sign-in form and the code prompt in a Playwright page. Both give the
account an authenticator app (a confirmed TOTP device) when it has none, so they work for users
who must use a second factor and for those who need not.
"""

from __future__ import annotations

import time
from base64 import b32decode

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

TEST_DEVICE_NAME = "Authenticator app"


def authenticator(user) -> TOTPDevice:
    """The account's confirmed authenticator app, added when it has none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name=TEST_DEVICE_NAME, confirmed=True)


def current_code(device: TOTPDevice) -> str:
    """The code the person's authenticator app would show now (django-otp's own TOTP)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def next_unused_code(device: TOTPDevice) -> str:
    """A code the device has not accepted yet (django-otp refuses a code twice): the current
    step's, or when that was used, the next step's, which the device accepts within its
    `tolerance` (a phone whose clock runs a little ahead shows it)."""
    device.refresh_from_db()
    now = time.time()
    for step_ahead in range(device.tolerance + 1):
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = now + step_ahead * device.step
        if totp.t() > device.last_t:
            return f"{totp.token():0{device.digits}d}"
    raise AssertionError("every code within the device's tolerance was used already")


def sign_in(client, user):
    """Sign `user` in on a Django test client, second factor passed; returns the user."""
    device = authenticator(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return user


def sign_in_browser(page, base_url: str, username: str, password: str) -> None:
    """Sign in through the admin's forms in a Playwright page: password, then the app's code."""
    from django.contrib.auth import get_user_model

    from accounts.policy import two_factor_required

    user = get_user_model().objects.get(username=username)
    device = authenticator(user) if two_factor_required(user) else None
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    if device is not None:
        page.wait_for_url(f"{base_url}/admin/two-factor/verify/**")
        page.fill("input[name=code]", next_unused_code(device))
        page.click("form.login-form button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/")


def app_code(key: str, at: float | None = None) -> str:
    """What an authenticator app shows for a base32 key (django-otp's own TOTP, 30 s, 6 digits)."""
    totp = TOTP(b32decode(key))
    if at is not None:
        totp.time = at
    return f"{totp.token():06d}"


def sign_in_browser_enrolling(page, base_url: str, username: str, password: str) -> None:
    """Sign in to a server whose database the test cannot reach (e.g. `make run`'s SQLite): the
    password, then enrolment as a person would do it, reading the key off the setup page."""
    page.goto(f"{base_url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/admin/**")
    if "/admin/two-factor/setup/" in page.url:
        key = page.locator("[data-two-factor-key]").inner_text().replace(" ", "")
        page.fill("input[name=code]", app_code(key))
        page.click("form.login-form button[type=submit]")
        page.wait_for_url(f"{base_url}/admin/two-factor/recovery-codes/**")
        page.get_by_role("link", name="I have saved them, continue").click()
    page.wait_for_url(f"{base_url}/admin/")
