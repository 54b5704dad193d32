"""Sign-in lockout (django-axes), the sign-in records in Reports, the password-reset throttle."""

import time
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from tests.staff import sign_in

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase"


@pytest.fixture
def short_lockout(settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)


def attempt(client, username: str, password: str, address: str = "198.51.100.7"):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_twenty_wrong_passwords_lock_the_account_and_the_address(client, short_lockout):
    user_model = get_user_model()
    user_model.objects.create_user("manager", "m@example.org", PASSWORD, is_staff=True)
    user_model.objects.create_user("other", "o@example.org", PASSWORD, is_staff=True)

    for _ in range(19):
        assert attempt(client, "manager", "wrong-guess").status_code == 200  # the form again
    assert attempt(client, "manager", "wrong-guess").status_code == 429  # the 20th locks

    # Locked: the right password is refused, from this address and from another one ...
    refused = attempt(client, "manager", PASSWORD)
    assert refused.status_code == 429
    assert "Sign-in locked" in refused.content.decode()
    assert attempt(client, "manager", PASSWORD, address="203.0.113.50").status_code == 429
    # ... and this address cannot sign in to another account either.
    assert attempt(client, "other", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session

    time.sleep(2.1)  # the (shortened) cool-off
    accepted = attempt(client, "manager", PASSWORD)
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(user_model.objects.get(username="manager").pk)


def test_failed_and_successful_sign_ins_appear_in_reports_for_superusers(client, settings):
    user_model = get_user_model()
    user_model.objects.create_user("manager", "m@example.org", PASSWORD, is_staff=True)
    attempt(client, "manager", "my-wrong-guess-1")
    attempt(client, "manager", PASSWORD)
    client.post("/admin/logout/")

    root = user_model.objects.create_superuser("root", "r@example.org", PASSWORD)
    sign_in(client, root)
    failed = client.get("/admin/reports/failed-sign-ins/").content.decode()
    assert "manager" in failed and "198.51.100.7" in failed
    assert "my-wrong-guess-1" not in failed
    succeeded = client.get("/admin/reports/sign-ins/").content.decode()
    assert "manager" in succeeded
    menu = client.get("/admin/").content.decode()
    assert "Failed sign-ins" in menu

    editor = user_model.objects.create_user("ed", "e@example.org", PASSWORD, is_staff=True)
    from django.contrib.auth.models import Group

    editor.groups.add(Group.objects.get(name="Editors"))
    sign_in(client, editor)
    assert client.get("/admin/reports/failed-sign-ins/").status_code in {302, 403}


def test_password_reset_emails_are_throttled(client, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    get_user_model().objects.create_user("manager", "m@example.org", PASSWORD, is_staff=True)
    answers = [
        client.post(
            "/admin/password_reset/", {"email": "m@example.org"}, REMOTE_ADDR="198.51.100.9"
        ).status_code
        for _ in range(5)
    ]
    assert answers == [302, 302, 302, 429, 429]
    assert len(mail.outbox) == 3
    # Another address asking for the same mailbox is held back too (per email).
    other = client.post(
        "/admin/password_reset/", {"email": "m@example.org"}, REMOTE_ADDR="203.0.113.9"
    )
    assert other.status_code == 429
    assert "No email was sent" in other.content.decode()


def test_passwords_must_be_twelve_characters():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("Short-pw-1")
    validate_password("correct horse battery")
