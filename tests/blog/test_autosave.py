"""Autosave of a new article over HTTP, driven as Wagtail's autosave controller drives it: the
first autosave posts to the create view, then the tab applies the answer's `field_updates` to its
form, posts to the edit view from then on with `overwrite_revision_id`, and publishing submits the
same form. An untouched author row must neither pause autosave ("There are validation errors")
nor turn into a saved row without an id, and an author the editor chooses must be published."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils.text import slugify
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from blog.models import BlogPage, BlogPageAuthor
from tests import staff
from tests.blog.factories import make_author, make_index, make_site

pytestmark = pytest.mark.django_db


class EditorTab:
    """The admin's page form in one browser tab: its field values and where it posts."""

    def __init__(self, client, index):
        self.client = client
        self.url = reverse("wagtailadmin_pages:add", args=["blog", "blogpage", index.pk])
        # What the create view's form posts before the editor touches it: one author row
        # (the InlinePanel's min_num), empty.
        self.data = {
            "title": "",
            "summary": "",
            "hero_image": "",
            "body-count": "0",
            "article_authors-TOTAL_FORMS": "1",
            "article_authors-INITIAL_FORMS": "0",
            "article_authors-MIN_NUM_FORMS": "1",
            "article_authors-MAX_NUM_FORMS": "1000",
            **self.empty_author_row(0),
            "show_author_bios": "on",
            "date_published": "2026-11-30",
            "last_reviewed": "",
            "tags": "",
            "related_links-TOTAL_FORMS": "0",
            "related_links-INITIAL_FORMS": "0",
            "related_links-MIN_NUM_FORMS": "0",
            "related_links-MAX_NUM_FORMS": "1000",
            "show_table_of_contents": "on",
            "slug": "",
            "seo_title": "",
            "search_description": "",
        }

    @staticmethod
    def empty_author_row(i: int) -> dict[str, str]:
        prefix = f"article_authors-{i}"
        return {
            f"{prefix}-author": "",
            f"{prefix}-id": "",
            f"{prefix}-ORDER": str(i + 1),
            f"{prefix}-DELETE": "",
        }

    def add_author_row(self) -> None:
        """The InlinePanel's "Add author" button: a new empty row at the end."""
        i = int(self.data["article_authors-TOTAL_FORMS"])
        self.data.update(self.empty_author_row(i))
        self.data["article_authors-TOTAL_FORMS"] = str(i + 1)

    def autosave(self) -> dict:
        """One autosave (a JSON POST) and what the controller does with a successful answer."""
        response = self.client.post(self.url, self.data, HTTP_ACCEPT="application/json")
        body = response.json()
        assert response.status_code == 200, body
        self.data.update(body["field_updates"])
        self.data["overwrite_revision_id"] = str(body["revision_id"])
        if "url" in body:  # the create view's answer: the tab moves to the edit view
            self.url = body["url"]
            self.data["loaded_revision_id"] = str(body["revision_id"])
            self.data["loaded_revision_created_at"] = body["revision_created_at"]
            assert self.client.get(body["hydrate_url"]).status_code == 200
        return body

    def write_body(self) -> None:
        """What publishing needs besides an author: a paragraph, and the slug the title's blur
        fills in."""
        body = streamfield([("paragraph", rich_text("<p>Healing starts with a conversation.</p>"))])
        self.data.update(nested_form_data({"body": body}))
        self.data["slug"] = slugify(self.data["title"])
        self.data["summary"] = self.data["summary"] or "First steps for partners."

    def publish(self) -> BlogPage:
        """The Publish button: a plain form submission (no overwrite_revision_id)."""
        data = {k: v for k, v in self.data.items() if k != "overwrite_revision_id"}
        response = self.client.post(self.url, {**data, "action-publish": "action-publish"})
        if response.status_code == 200:
            form = response.context["form"]
            errors = [form.errors] + [formset.errors for formset in form.formsets.values()]
            pytest.fail(f"publishing failed: {errors}")
        assert response.status_code == 302
        page = BlogPage.objects.get(title=self.data["title"])
        assert page.live
        return page


@pytest.fixture
def tab(client):
    index = make_index(make_site())
    user = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    staff.sign_in(client, user)
    return EditorTab(client, index)


def authors_of(page: BlogPage) -> list[int]:
    return list(
        BlogPageAuthor.objects.filter(page=page)
        .order_by("sort_order")
        .values_list("author_id", flat=True)
    )


def test_a_new_article_keeps_autosaving_while_its_author_row_is_untouched(tab):
    tab.data["title"] = "A title is all it takes"
    tab.autosave()
    tab.data["summary"] = "First steps."
    tab.autosave()  # the edit view: answered 400 "There are validation errors" before the fix
    tab.data["seo_title"] = "First steps after betrayal"
    tab.autosave()
    assert not BlogPageAuthor.objects.exists()


def test_an_author_chosen_after_the_first_autosave_is_published(tab):
    author = make_author()
    tab.data["title"] = "Chosen later"
    tab.autosave()
    tab.data["article_authors-0-author"] = str(author.pk)
    tab.autosave()
    assert tab.data["article_authors-INITIAL_FORMS"] == "1"
    assert tab.data["article_authors-0-id"], "the saved row's id was not sent back"
    tab.autosave()  # the row now carries its id: no second copy
    tab.write_body()
    page = tab.publish()
    assert authors_of(page) == [author.pk]


def test_an_author_chosen_before_the_first_autosave_is_published_once(tab):
    author = make_author()
    tab.data["title"] = "Chosen first"
    tab.data["article_authors-0-author"] = str(author.pk)
    tab.autosave()
    assert tab.data["article_authors-INITIAL_FORMS"] == "1"
    assert tab.data["article_authors-0-id"]
    tab.data["summary"] = "More words."
    tab.autosave()
    tab.write_body()
    page = tab.publish()
    assert authors_of(page) == [author.pk]


def test_a_second_author_row_left_empty_then_filled_is_published(tab):
    first, second = make_author(), make_author()
    tab.data["title"] = "Two authors"
    tab.data["article_authors-0-author"] = str(first.pk)
    tab.add_author_row()
    tab.autosave()
    tab.autosave()
    tab.data["article_authors-1-author"] = str(second.pk)
    tab.autosave()
    assert tab.data["article_authors-1-id"]
    tab.write_body()
    page = tab.publish()
    assert authors_of(page) == [first.pk, second.pk]


def test_an_author_in_an_added_row_while_the_first_row_stays_empty(tab):
    """The untouched row sits before a saved one, so it cannot stay an extra form: it comes back
    as an initial row without an id, and is still neither required nor lost."""
    first, second = make_author(), make_author()
    tab.data["title"] = "Added row first"
    tab.add_author_row()
    tab.data["article_authors-1-author"] = str(first.pk)
    tab.autosave()
    tab.data["summary"] = "Still typing."
    tab.autosave()  # answered 400 "There are validation errors" before the fix
    tab.data["article_authors-0-author"] = str(second.pk)
    tab.autosave()
    assert tab.data["article_authors-0-id"] and tab.data["article_authors-1-id"]
    tab.write_body()
    page = tab.publish()
    assert authors_of(page) == [second.pk, first.pk]  # the rows' ORDER: 1, 2
