"""The home page's sections and head are rendered once per content version, and every edit that
changes them (the page, a new article, the practice settings) shows on the next request."""

import pytest
from wagtail.models import Site

from home.models import PracticeSettings
from tests.blog.factories import make_article, make_index, make_site


@pytest.fixture(autouse=True)
def render_every_time(settings):
    """No response cache: each request runs the page's view, so what is kept is the fragment."""
    settings.CONTENT_CACHE = False


@pytest.fixture
def home(db):
    home = make_site()
    home.body = [("hero", {"heading": "Healing after betrayal is possible", "show_call": True})]
    home.save_revision().publish()
    return home


def rendered(response) -> set[str]:
    return {template.name for template in response.templates if template.name}


def test_the_home_sections_are_rendered_once_then_again_after_an_edit(client, home):
    first = client.get("/")
    second = client.get("/")
    assert first.status_code == second.status_code == 200
    assert "blocks/hero.html" in rendered(first)
    assert "includes/seo.html" in rendered(first)
    # Kept: the same page, without rendering the sections or the head again.
    assert second.content == first.content
    assert "blocks/hero.html" not in rendered(second)
    assert "includes/seo.html" not in rendered(second)

    home.body = [("hero", {"heading": "You are not alone", "show_call": True})]
    home.save_revision().publish()
    after = client.get("/").content.decode()
    assert "You are not alone" in after
    assert "Healing after betrayal is possible" not in after


def test_a_newly_published_article_shows_among_the_latest_on_the_next_request(client, home):
    index = make_index(home)
    make_article(index, title="Trust after an affair")
    assert "Trust after an affair" in client.get("/").content.decode()
    make_article(index, title="When a partner lies")
    assert "When a partner lies" in client.get("/").content.decode()


def test_a_practice_settings_change_shows_in_the_home_head_on_the_next_request(client, home):
    assert 'content="Test Practice Name"' not in client.get("/").content.decode()
    practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    practice.practice_name = "Test Practice Name"
    practice.save()
    body = client.get("/").content.decode()
    assert '<meta property="og:site_name" content="Test Practice Name">' in body


def test_a_signed_in_editor_gets_a_fresh_render_that_visitors_never_see(client, home, admin_user):
    client.get("/")  # kept for visitors
    client.force_login(admin_user)
    editor = client.get("/")
    assert "blocks/hero.html" in rendered(editor)
    client.logout()
    visitor = client.get("/")
    assert "blocks/hero.html" not in rendered(visitor)
    assert "wagtail-userbar" not in visitor.content.decode()
