"""Template tags that show articles on other pages (the home page's latest articles)."""

from django import template
from wagtail.models import Site

from blog.models import BlogPage, article_listing

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_articles(context, count: int = 3) -> list[BlogPage]:
    """The newest live articles of the current site, with what a card needs prefetched."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    pages = BlogPage.objects.all()
    if site is not None:
        pages = pages.in_site(site)
    return list(article_listing(pages)[:count])
