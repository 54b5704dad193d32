"""Two saves of one new page that cross: the editor clicks "Save draft" while autosave is sending
the same form (a browser test met it: HTTP 500, 1 run in 4), or two editors add the same title.
Wagtail's create view checks the slug when it validates the form and again when it saves; a save
landing in between made the second a server error and lost the editor's form. The answer is the
form again, with the reason on it, and one page saved."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.admin.forms.pages import WagtailAdminPageForm

from blog.models import BlogPage
from tests import staff
from tests.blog.factories import make_article, make_author, make_index, make_site
from tests.blog.test_autosave import EditorTab

TITLE = "Saved twice at once"
SLUG = "saved-twice-at-once"


def editor_client(user) -> Client:
    client = Client(raise_request_exception=False)
    staff.sign_in(client, user)
    return client


@pytest.fixture
def editor():
    user = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def filled_tab(client, index, author) -> EditorTab:
    tab = EditorTab(client, index)
    tab.data["title"] = TITLE
    tab.data["article_authors-0-author"] = str(author.pk)
    tab.write_body()
    return tab


def after_validation(monkeypatch, action) -> None:
    """Runs `action` once a page form has been found valid, before the view saves the page:
    the moment another save lands in a crossed pair."""
    is_valid = WagtailAdminPageForm.is_valid

    def valid_then_action(form):
        valid = is_valid(form)
        if valid:
            action()
        return valid

    monkeypatch.setattr(WagtailAdminPageForm, "is_valid", valid_then_action)


@pytest.mark.django_db
@pytest.mark.parametrize("autosave", [False, True], ids=["save-draft", "autosave"])
def test_a_twin_saved_between_validation_and_save_gives_the_form_back(
    monkeypatch, editor, autosave
):
    index = make_index(make_site())
    tab = filled_tab(editor_client(editor), index, make_author())
    after_validation(
        monkeypatch,
        lambda: (
            BlogPage.objects.filter(slug=SLUG).exists()
            or make_article(index, title=TITLE, slug=SLUG)
        ),
    )

    headers = {"HTTP_ACCEPT": "application/json"} if autosave else {}
    response = tab.client.post(tab.url, tab.data, **headers)

    if autosave:  # autosave's own error answer: the indicator shows it, the next edit retries
        assert response.status_code == 400, response.content[:300]
        assert response.json()["error_code"] == "validation_error"
    else:
        assert response.status_code == 200, response.content[:300]
        form = response.context["form"]
        assert "is already in use" in " ".join(form.errors["slug"])
        assert f'value="{TITLE}"' in response.text  # what the editor wrote is still there
    assert BlogPage.objects.filter(slug=SLUG).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_saves_of_one_new_page_at_the_same_moment_save_it_once(monkeypatch, editor):
    """Two requests, each in its own thread and database connection, held until both are past
    the form's validation. The tree locks the parent row while a child is added, so the second
    waits for the first, and the page's own slug check then sees the first page: one saves the
    page, the other answers with the form."""
    index = make_index(make_site())
    author = make_author()
    tabs = [filled_tab(editor_client(editor), index, author) for _ in range(2)]
    after_validation(monkeypatch, threading.Barrier(2, timeout=30).wait)
    statuses: list[int] = []
    bodies: list[str] = []

    def save(tab):
        from django.db import connection

        try:
            response = tab.client.post(tab.url, tab.data)
            statuses.append(response.status_code)
            bodies.append(response.text if response.status_code == 200 else "")
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(tab,)) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert sorted(statuses) == [200, 302], statuses
    assert BlogPage.objects.filter(slug=SLUG).count() == 1
    (body,) = [text for text in bodies if text]
    assert "is already in use" in body


def test_every_page_type_is_added_with_this_view():
    """Wagtail routes the "add page" address to the page type's viewset; every page type of the
    project uses the default one, on which `install_create_page_view` sets the view."""
    from wagtail.admin.viewsets.pages import page_viewset_registry
    from wagtail.models import get_page_models

    from cms.page_editing import CreatePageView

    assert {
        model.__name__: page_viewset_registry.get_by_type(model).add_view_class
        for model in get_page_models()
    } == {model.__name__: CreatePageView for model in get_page_models()}
