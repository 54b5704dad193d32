"""Editors see what each block does before inserting it: icon, description and a live preview."""

import pytest
from django.urls import reverse

from blog.models import BlogPage
from tests.blog.factories import make_author

ARTICLE_BLOCKS = BlogPage.body.field.stream_block.child_blocks


@pytest.mark.parametrize("name", list(ARTICLE_BLOCKS))
def test_every_article_block_has_icon_description_and_preview(admin_client, name):
    make_author(name="Preview Author")
    block = ARTICLE_BLOCKS[name]
    assert block.meta.icon not in ("", "placeholder")
    assert block.get_description()
    assert block.is_previewable

    url = reverse("wagtailadmin_block_preview")
    response = admin_client.get(url, {"id": block.definition_prefix})
    assert response.status_code == 200
    html = response.content.decode()
    assert "css/site.css" in html
    if name == "author_bio":
        assert "Preview Author" in html


@pytest.fixture
def tree(db):
    from tests.blog.factories import make_index, make_site

    home = make_site()
    return {"home": home, "index": make_index(home)}


@pytest.mark.parametrize(
    ("app", "model", "parent", "tabs"),
    [
        ("blog", "blogpage", "index", ["Content", "Authors_and_topics", "Promote"]),
        ("blog", "blogindexpage", "home", ["Content", "Promote"]),
        ("home", "standardpage", "home", ["Content", "Promote"]),
        ("home", "contactpage", "home", ["Content", "Promote"]),
    ],
)
def test_page_editors_open_with_tabs_and_help_text(admin_client, tree, app, model, parent, tabs):
    url = reverse("wagtailadmin_pages:add", args=(app, model, tree[parent].pk))
    html = admin_client.get(url).content.decode()
    for tab in tabs:
        assert f'id="tab-label-{tab.lower()}"' in html
    assert "Shown in search results and browser tabs" in html  # SEO help text
    assert 'name="go_live_at"' in html  # scheduled publishing (the status side panel)


@pytest.mark.parametrize(
    "url_name",
    [
        "wagtailsnippets_home_calltoaction:add",
        "wagtailsnippets_blog_author:add",
        "wagtailsnippets_blog_blogcategory:add",
    ],
)
def test_snippet_editors_open(admin_client, url_name):
    assert admin_client.get(reverse(url_name)).status_code == 200


def test_practice_settings_editor_has_tabs(admin_client, tree):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=("home", "practicesettings", site.pk))
    html = admin_client.get(url).content.decode()
    for tab in ("Practice", "Header and footer", "Search and sharing"):
        assert tab in html
    assert "Header call to action" in html
