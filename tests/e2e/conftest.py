"""The production-like environment shared by the tests that run the production processes."""

from __future__ import annotations

import pytest

from tests import services
from tests.leads.notify_support import default_site
from tests.staff import sign_in_browser


@pytest.fixture
def production_env(
    transactional_db, test_database_url, redis_server, smtp_sink, tmp_path
) -> dict[str, str]:
    """Production settings against the test database, a private Redis and an SMTP sink, with
    short relay timings; PORT is a free port for gunicorn."""
    default_site()
    return services.production_env(
        test_database_url, redis_server.url, smtp_sink.url, tmp_path, services.free_port()
    )


STAFF_PASSWORD = "s3cret-pass!"


def make_superuser(username: str = "editor-admin") -> tuple[str, str]:
    """A superuser for the browser tests; returns (username, password)."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.create_superuser(username, f"{username}@example.com", STAFF_PASSWORD)
    return username, STAFF_PASSWORD


def admin_login(page, base: str, username: str, password: str) -> None:
    """The one way these browser tests sign staff in to the admin: password, then the second
    factor when the account must use one (tests/staff.py)."""
    sign_in_browser(page, base, username, password)


def publish_new_page(page) -> None:
    """Publish a page being created, once Wagtail's autosave has made it a draft (the address
    becomes the draft's edit view). Clicking Publish while that first autosave is still on its way
    posts the create form a second time, which Wagtail refuses because the draft holds the slug."""
    page.wait_for_url("**/admin/pages/*/edit/**")
    page.locator("footer .w-dropdown__toggle").last.click()
    page.locator("button[name=action-publish]").click()
