import pytest
from django.contrib.auth import get_user_model

from tests.staff import sign_in_browser

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_user_login(transactional_db):
    get_user_model().objects.create_superuser("editor-admin", "admin@example.com", "s3cret-pass!")
    return "editor-admin", "s3cret-pass!"


def test_admin_login_reaches_dashboard(page, live_server, admin_user_login, artifacts_dir):
    username, password = admin_user_login
    sign_in_browser(page, live_server.url, username, password)
    assert page.locator("h1").first.is_visible()
    assert "Dashboard" in page.title()
    page.screenshot(path=str(artifacts_dir / "admin-dashboard.png"), full_page=True)
