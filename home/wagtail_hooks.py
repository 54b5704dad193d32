from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .models import CallToAction


class CallToActionViewSet(SnippetViewSet):
    """Reusable calls to action; each one's 'Usage' tab lists the pages that show it."""

    model = CallToAction
    icon = "pick"
    menu_label = "Calls to action"
    menu_order = 200
    add_to_admin_menu = True
    list_display = ["name", "heading", "action", "emphasis"]
    list_filter = ["action", "emphasis"]
    search_fields = ["name", "heading", "text"]
    ordering = ["name"]


register_snippet(CallToActionViewSet)
