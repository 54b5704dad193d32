from wagtail.admin.panels import ObjectList
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.chooser import SnippetChooserViewSet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .forms import AuthorCreationForm, AuthorForm
from .models import Author, BlogCategory


class AuthorChooserViewSet(SnippetChooserViewSet):
    """The author chooser, with a "Create" tab: an article's new author without leaving it."""

    creation_form_class = AuthorCreationForm
    create_action_label = "Add a new author"


class AuthorViewSet(SnippetViewSet):
    """Authors: their bio, credentials and license appear on every article they wrote."""

    model = Author
    icon = "user"
    menu_label = "Authors"
    list_display = ["name", "credentials", "license_number", "license_state"]
    list_filter = ["license_type", "license_state"]
    search_fields = ["name", "credentials"]
    ordering = ["name"]
    edit_handler = ObjectList(Author.panels, base_form_class=AuthorForm)
    chooser_viewset_class = AuthorChooserViewSet


class BlogCategoryViewSet(SnippetViewSet):
    """Article categories readers can filter by."""

    model = BlogCategory
    icon = "folder-open-inverse"
    menu_label = "Categories"
    list_display = ["name", "slug"]
    search_fields = ["name"]
    ordering = ["name"]


class ArticlesViewSetGroup(SnippetViewSetGroup):
    items = (AuthorViewSet, BlogCategoryViewSet)
    menu_icon = "doc-full"
    menu_label = "Articles"
    menu_name = "articles"
    menu_order = 210


register_snippet(ArticlesViewSetGroup)
