"""Who may frame what: a page preview only the admin (same origin), a public page nobody."""

import pytest
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from tests.blog.factories import make_article, make_contact_page, make_index, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages():
    home = make_site()
    return {
        "home": home,
        "article": make_article(make_index(home)),
        "contact": make_contact_page(home),
    }


@pytest.mark.parametrize("name", ["home", "article", "contact"])
def test_a_preview_may_be_framed_by_the_admin_only(pages, name):
    request = RequestFactory().get("/admin/pages/1/edit/preview/?in_preview_panel=true")
    request.user = get_user_model().objects.create_superuser("boss", "b@example.org", "pw")
    response = pages[name].specific.make_preview_request(request)
    assert response.status_code == 200
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "SAMEORIGIN"


@pytest.mark.parametrize("name", ["home", "article", "contact"])
def test_a_public_page_may_be_framed_by_nobody(client, pages, name):
    response = client.get(pages[name].url)
    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_a_contact_preview_with_recaptcha_keeps_google_and_the_admin_frame(pages, settings):
    """The reCAPTCHA policy of the form's page (leads.middleware) is kept, framable by the admin."""
    settings.RECAPTCHA_ENABLED = True
    settings.RECAPTCHA_PUBLIC_KEY = "test-site-key"
    request = RequestFactory().get("/admin/pages/1/edit/preview/?in_preview_panel=true")
    request.user = get_user_model().objects.create_superuser("boss", "b@example.org", "pw")
    policy = pages["contact"].specific.make_preview_request(request)["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy
    assert "https://www.google.com/recaptcha/" in policy
