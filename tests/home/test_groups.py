"""The groups a practice works with (home 0003 over Wagtail's own): each walks what it may open
and what it may not, over HTTP as its members see it."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Site

from tests import staff
from tests.blog.factories import (
    make_article,
    make_author,
    make_category,
    make_cta,
    make_index,
    make_site,
)
from tests.leads.test_admin import every_lead_url, make_lead, visit

pytestmark = pytest.mark.django_db

# Each name is reached with a GET; Wagtail answers a forbidden admin URL with a redirect to the
# dashboard (302) or 403.
ALLOWED = {200}
DENIED = {302, 403}


def sign_in(client, group: str):
    """The one sign-in of this module, second factor passed where the group needs one."""
    user = get_user_model().objects.create_user(f"{group.lower()}-user", "staff@example.org", "pw")
    user.groups.add(Group.objects.get(name=group))
    staff.sign_in(client, user)
    return user


@pytest.fixture
def content():
    home = make_site()
    index = make_index(home)
    return {
        "home": home,
        "index": index,
        "author": make_author(),
        "category": make_category("Trust"),
        "cta": make_cta(),
        "site": Site.objects.get(is_default_site=True),
        "lead": make_lead(),
    }


def editing_urls(c) -> list[str]:
    """What Editors and Moderators need to write, illustrate and publish an article."""
    return [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_pages:add", args=["blog", "blogpage", c["index"].pk]),
        reverse("wagtailadmin_pages:edit", args=[c["home"].pk]),
        reverse("wagtailsnippets_blog_author:add"),
        reverse("wagtailsnippets_blog_author:edit", args=[c["author"].pk]),
        reverse("wagtailsnippets_blog_blogcategory:add"),
        reverse("wagtailsnippets_blog_blogcategory:edit", args=[c["category"].pk]),
        reverse("wagtailsnippets_home_calltoaction:add"),
        reverse("wagtailsnippets_home_calltoaction:edit", args=[c["cta"].pk]),
        reverse("wagtailimages:add_multiple"),
        reverse("wagtaildocs:add_multiple"),
        reverse("wagtailredirects:add"),
        reverse("wagtailredirects:index"),
        # Fees, insurance, hours and location (home 0005); the rest of the form is hidden.
        reverse("wagtailsettings:edit", args=["home", "practicesettings", c["site"].pk]),
    ]


def superuser_urls(c) -> list[str]:
    """Users, groups, sites, workflows and the notification settings: superusers only."""
    site = c["site"].pk
    return [
        reverse("wagtailusers_users:index"),
        reverse("wagtailusers_users:add"),
        reverse("wagtailusers_groups:index"),
        reverse("wagtailsites:index"),
        reverse("wagtailsites:edit", args=[site]),
        reverse("wagtailadmin_workflows:index"),
        reverse("wagtailsettings:edit", args=["leads", "leadnotificationsettings", site]),
    ]


def status_of(client, urls: list[str]) -> dict[str, int]:
    """Each URL's status; a POST-only action (405 to a GET) is POSTed instead."""
    return {url: visit(client, url)[1].status_code for url in urls}


@pytest.mark.parametrize("group", ["Editors", "Moderators"])
def test_editors_and_moderators_write_but_see_no_leads_users_or_settings(client, content, group):
    sign_in(client, group)
    allowed = status_of(client, editing_urls(content))
    denied = status_of(client, superuser_urls(content) + every_lead_url(content["lead"]))
    assert {url: code for url, code in allowed.items() if code not in ALLOWED} == {}
    assert {url: code for url, code in denied.items() if code not in DENIED} == {}


def test_moderators_approve_what_is_submitted_and_editors_do_not(client, content):
    """Wagtail's default workflow ("Moderators approval") on the site: a page submitted to it is
    approved, and goes live, by a moderator; an editor cannot act on the task."""
    article = make_article(content["index"], title="Submitted for review")
    article.title = "Submitted for review, edited"
    revision = article.save_revision()
    state = article.get_workflow().start(article, revision.user or article.owner)
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=[article.pk, "approve", state.current_task_state.pk],
    )

    sign_in(client, "Editors")
    assert client.post(url, {"comment": ""}).status_code in DENIED
    article.refresh_from_db()
    assert article.title == "Submitted for review"

    sign_in(client, "Moderators")
    assert client.post(url, {"comment": "Fine"}).status_code in {200, 302}
    article.refresh_from_db()
    assert article.live
    assert article.title == "Submitted for review, edited"


def test_lead_managers_see_leads_and_nothing_to_edit(client, content):
    sign_in(client, "Lead managers")
    lead_index = reverse("leads_lead:index")
    assert client.get(lead_index).status_code == 200
    assert client.get(reverse("leads_lead:inspect", args=[content["lead"].pk])).status_code == 200
    denied = status_of(client, editing_urls(content)[1:] + superuser_urls(content))
    assert {url: code for url, code in denied.items() if code not in DENIED} == {}
