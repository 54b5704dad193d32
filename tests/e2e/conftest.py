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


def _other_transactions() -> int:
    """Other sessions of this test database busy in a statement or a transaction."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid()"
            " AND state IN ('active', 'idle in transaction', 'idle in transaction (aborted)')"
        )
        return cursor.fetchone()[0]


@pytest.fixture
def settled_server(transactional_db, live_server, page):
    """The live server, for a test whose page keeps talking to it (the page editor autosaves):
    at teardown the browser leaves the site and the server's requests in flight finish before
    the database is flushed. A flush during an autosave deadlocked in CI (TRUNCATE against the
    request's transaction), and the next test found the last one's pages."""
    yield live_server
    page.goto("about:blank")
    from django.db import connection

    if connection.vendor == "postgresql":
        services.wait_for(lambda: _other_transactions() == 0, timeout=15, what="requests to end")
