"""Two-factor sign-in over HTTP: who must use it, enrolment, the code prompt, recovery codes."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.leads.test_admin import every_lead_url, make_lead
from tests.staff import current_code, next_unused_code, sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


def make_staff(username: str, group: str | None = None, **extra):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", PASSWORD, is_staff=True, **extra
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def password_sign_in(client, username: str):
    response = client.post("/admin/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


def enrol(client) -> list[str]:
    """Go through the enrolment page as a person would: read the key, type the app's code."""
    page = client.get("/admin/two-factor/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "<svg" in html  # the QR code, inline (the admin's CSP allows no other host)
    key = re.search(r"data-two-factor-key>([A-Z2-7 ]+)<", html).group(1).replace(" ", "")
    device = TOTPDevice.objects.get(confirmed=False)
    assert key  # the same secret the QR code carries
    response = client.post("/admin/two-factor/setup/", {"code": current_code(device)})
    assert response.status_code == 302
    codes_page = client.get(response["Location"])
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", codes_page.content.decode())


@pytest.mark.parametrize("kind", ["lead_manager", "superuser", "permission_only"])
def test_who_can_see_leads_cannot_reach_a_lead_url_before_enrolling(client, kind):
    lead = make_lead()
    if kind == "superuser":
        user = make_staff("boss", is_superuser=True)
    elif kind == "lead_manager":
        user = make_staff("manager", "Lead managers")
    else:
        from django.contrib.auth.models import Permission

        user = make_staff("viewer")
        user.user_permissions.add(Permission.objects.get(codename="view_lead"))
        user.groups.add(Group.objects.get(name="Editors"))
    password_sign_in(client, user.username)
    for url in [*every_lead_url(lead), "/admin/", "/admin/reports/site-history/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/two-factor/setup/"), url
    assert lead.name not in client.get("/admin/two-factor/setup/").content.decode()

    codes = enrol(client)
    assert len(codes) == 10
    assert client.get("/admin/leads/lead/").status_code == 200


def test_sign_in_with_an_app_needs_its_code(client):
    manager = make_staff("manager", "Lead managers")
    password_sign_in(client, "manager")
    enrol(client)
    client.post("/admin/logout/")

    password_sign_in(client, "manager")
    assert client.get("/admin/leads/lead/")["Location"].startswith("/admin/two-factor/verify/")
    wrong = client.post("/admin/two-factor/verify/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code did not work" in wrong.content.decode()
    assert client.get("/admin/leads/lead/").status_code == 302

    device = TOTPDevice.objects.get(user=manager, confirmed=True)
    device.throttle_reset()  # the wrong try above doubled the wait; a person would wait 1 s
    response = client.post(
        "/admin/two-factor/verify/",
        {"code": next_unused_code(device), "next": "/admin/leads/lead/"},
    )
    assert response["Location"] == "/admin/leads/lead/"
    assert client.get("/admin/leads/lead/").status_code == 200


def test_a_recovery_code_works_once(client):
    make_staff("manager", "Lead managers")
    password_sign_in(client, "manager")
    codes = enrol(client)
    client.post("/admin/logout/")

    password_sign_in(client, "manager")
    assert client.post("/admin/two-factor/verify/", {"code": codes[0]}).status_code == 302
    assert client.get("/admin/leads/lead/").status_code == 200
    client.post("/admin/logout/")

    password_sign_in(client, "manager")
    again = client.post("/admin/two-factor/verify/", {"code": codes[0]})
    assert again.status_code == 200
    assert client.get("/admin/leads/lead/").status_code == 302


def test_recovery_codes_cannot_be_made_before_the_second_factor(client):
    make_staff("manager", "Lead managers")
    password_sign_in(client, "manager")
    enrol(client)
    client.post("/admin/logout/")
    password_sign_in(client, "manager")
    response = client.post("/admin/two-factor/", {"action": "new-codes"})
    assert response["Location"].startswith("/admin/two-factor/verify/")
    assert "<code>" not in client.get("/admin/two-factor/recovery-codes/").content.decode()


@pytest.mark.parametrize("group", ["Lead managers", "Editors"])
def test_recovery_codes_cannot_be_made_before_there_is_an_app(client, group):
    """With the password alone and no app, asking for recovery codes must not lock the account
    out of enrolment (codes never shown, then asked for at every sign-in)."""
    make_staff("someone", group)
    password_sign_in(client, "someone")
    response = client.post("/admin/two-factor/", {"action": "new-codes"})
    assert response["Location"].startswith("/admin/two-factor/setup/")
    assert enrol(client)  # enrolment still works and gives its codes
    assert client.get("/admin/").status_code == 200


def test_an_editor_needs_no_second_factor_unless_required_for_everyone(client, settings):
    make_staff("ed", "Editors")
    password_sign_in(client, "ed")
    assert client.get("/admin/").status_code == 200

    settings.TWO_FACTOR_FOR_EVERYONE = True
    assert client.get("/admin/")["Location"].startswith("/admin/two-factor/setup/")


def test_the_shared_test_helper_passes_the_second_factor(client):
    manager = make_staff("manager", "Lead managers")
    sign_in(client, manager)
    assert client.get("/admin/leads/lead/").status_code == 200


def test_a_lost_phone_is_reset_by_command_and_the_account_enrols_again(client):
    from io import StringIO

    from django.core.management import call_command

    make_staff("manager", "Lead managers")
    password_sign_in(client, "manager")
    enrol(client)
    client.post("/admin/logout/")
    call_command("two_factor_reset", "manager", stdout=StringIO())
    password_sign_in(client, "manager")
    assert client.get("/admin/leads/lead/")["Location"].startswith("/admin/two-factor/setup/")
