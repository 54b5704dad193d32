"""An editor (a member of Editors, not a superuser) writes, illustrates and publishes an article
with a new author, a new call to action and a redirect, all in the browser; a new page starts
calm, without a validation banner."""

import pytest

from tests.blog.factories import make_index, make_site
from tests.e2e.conftest import STAFF_PASSWORD, admin_login

pytestmark = pytest.mark.browser


@pytest.fixture
def editor(transactional_db):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    index = make_index(make_site())
    user = get_user_model().objects.create_user("writer", "writer@example.org", STAFF_PASSWORD)
    user.groups.add(Group.objects.get(name="Editors"))
    return {"index": index, "username": "writer"}


@pytest.mark.parametrize("kind", ["blog/blogpage", "home/standardpage", "home/contactpage"])
def test_a_new_page_autosaves_without_a_validation_banner(page, live_server, editor, kind):
    """A brand-new page shows no "Autosave is paused / There are validation errors" banner, before
    any edit and after the title is typed (the article's empty author row used to fail it)."""
    base = live_server.url
    page.set_viewport_size({"width": 1400, "height": 1000})
    admin_login(page, base, editor["username"], STAFF_PASSWORD)
    saves = []
    page.on("request", lambda r: saves.append(r.url) if r.method == "POST" else None)
    parent = editor["index"] if kind.startswith("blog/") else editor["index"].get_parent()
    page.goto(f"{base}/admin/pages/add/{kind}/{parent.pk}/")
    page.locator("#id_title").wait_for()
    page.wait_for_timeout(2000)
    assert saves == [], "a pristine page was saved"
    assert not page.get_by_text("Autosave is paused").first.is_visible()

    with page.expect_response(lambda r: r.request.method == "POST") as autosave:
        page.fill("#id_title", "A title is all it takes")
    assert autosave.value.status == 200, autosave.value.text()
    page.locator("#w-autosave-indicator").get_by_text("Saved").wait_for()
    page.screenshot(path=f"artifacts/autosave-{kind.replace('/', '-')}.png")
    assert not page.get_by_text("Autosave is paused").first.is_visible()
    assert not page.get_by_text("There are validation errors").is_visible()
