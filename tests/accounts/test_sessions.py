"""Session limits: idle timeout for those who see leads, absolute lifetime, password changes."""

import time

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def make_staff(username: str, group: str):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw-pw-pw-pw")
    user.groups.add(Group.objects.get(name=group))
    return user


def test_an_idle_lead_manager_is_signed_out_but_an_editor_is_not(client, settings):
    settings.SESSION_IDLE_SECONDS = 1
    settings.SESSION_IDLE_SECONDS_OTHERS = 0
    sign_in(client, make_staff("manager", "Lead managers"))
    editor_client = Client()
    sign_in(editor_client, make_staff("ed", "Editors"))
    assert client.get("/admin/leads/lead/").status_code == 200
    assert editor_client.get("/admin/").status_code == 200

    time.sleep(1.2)
    response = client.get("/admin/leads/lead/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "_auth_user_id" not in client.session
    login_page = client.get(response["Location"]).content.decode()
    assert "without activity" in login_page
    assert editor_client.get("/admin/").status_code == 200


def test_an_active_lead_manager_stays_signed_in(client, settings):
    settings.SESSION_IDLE_SECONDS = 2
    sign_in(client, make_staff("manager", "Lead managers"))
    for _ in range(4):
        time.sleep(0.8)
        assert client.get("/admin/leads/lead/").status_code == 200


def test_every_session_ends_after_its_absolute_lifetime(client, settings):
    settings.SESSION_MAX_SECONDS = 1
    sign_in(client, make_staff("ed", "Editors"))
    assert client.get("/admin/").status_code == 200
    time.sleep(1.2)
    response = client.get("/admin/")
    assert response["Location"].startswith("/admin/login/")


def test_sessions_last_twelve_hours_by_default(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    assert settings.SESSION_IDLE_SECONDS == 30 * 60


def test_a_password_change_signs_the_account_out_everywhere_else(client):
    manager = make_staff("manager", "Lead managers")
    laptop, phone = client, Client()
    sign_in(laptop, manager)
    sign_in(phone, manager)
    response = laptop.post(
        "/admin/account/",
        {
            "name_email-first_name": "Morgan",
            "name_email-last_name": "Manager",
            "name_email-email": "manager@example.org",
            "locale-preferred_language": "en",
            "locale-current_time_zone": "America/Los_Angeles",
            "theme-theme": "system",
            "theme-contrast": "system",
            "theme-density": "default",
            "password-old_password": "pw-pw-pw-pw",
            "password-new_password1": "a brand new passphrase",
            "password-new_password2": "a brand new passphrase",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert laptop.get("/admin/leads/lead/").status_code == 200
    assert phone.get("/admin/leads/lead/")["Location"].startswith("/admin/login/")
