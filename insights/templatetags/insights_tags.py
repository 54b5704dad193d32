"""The page's own figures in the page editor's status side panel."""

from django import template

from insights.views import can_see_report, page_figures

register = template.Library()


@register.inclusion_tag("insights/page_figures.html", takes_context=True)
def insights_page_figures(context, page) -> dict:
    """Views, CTA clicks, requests and conversion of this page over the last 30 days."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not can_see_report(user):
        return {"show": False}
    return {"show": True, **page_figures(page.pk, user)}
