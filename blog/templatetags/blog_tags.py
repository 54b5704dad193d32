"""Template tags that show articles on other pages (the home page's latest articles)."""

from django import template

from blog.models import BlogPage, article_listing
from cms.serving.refdata import memoized, site_for_request

register = template.Library()


@register.simple_tag(takes_context=True)
def latest_articles(context, count: int = 3) -> list[BlogPage]:
    """The newest live articles of the current site, with what a card needs prefetched.

    Reference data (cms.serving.refdata): which articles are newest, and their cards, change
    only with an edit or a publish, which stamps a new content version.
    """
    request = context.get("request")
    site = site_for_request(request)

    def newest() -> list[BlogPage]:
        pages = BlogPage.objects.all()
        if site is not None:
            pages = pages.in_site(site)
        return list(article_listing(pages)[:count])

    return memoized(("latest_articles", site.pk if site else None, count), newest)
