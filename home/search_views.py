"""Site search at /search/?q=: live public pages through Wagtail search, paginated, noindex."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.template.response import TemplateResponse
from wagtail.models import Page, Site

RESULTS_PER_PAGE = 10
MAX_QUERY_LENGTH = 200


def search(request):
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = Page.objects.none()
    if query:
        pages = Page.objects.live().public().specific()
        site = Site.find_for_request(request)
        if site is not None:
            pages = pages.in_site(site)
        results = pages.search(query)
    paginator = Paginator(results, RESULTS_PER_PAGE)
    response = TemplateResponse(
        request,
        "search/search.html",
        {
            "search_query": query,
            "results": paginator.get_page(request.GET.get("page")),
            "paginator": paginator,
            "query_prefix": urlencode({"q": query}),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response
