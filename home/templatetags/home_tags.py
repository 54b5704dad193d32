"""Template tags shared by every page: structured data and the practice's header action."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe

from cms.serving.refdata import kept, memoized, serving_page, site_for_request

register = template.Library()


@register.simple_tag
def json_ld(data: dict[str, Any] | None) -> str:
    """A JSON-LD script element, escaped like ``json_script`` so no value can close the tag."""
    if not data:
        return ""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(
        _json_script_escapes
    )
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


@register.simple_tag(takes_context=True)
def structured_data(context) -> str:
    """The current page's JSON-LD (practice, breadcrumbs and what the page type adds)."""
    page = context.get("page")
    request = context.get("request")
    if page is None or request is None or not hasattr(page, "get_structured_data"):
        return ""
    return json_ld(page.get_structured_data(request))


@register.simple_tag(takes_context=True)
def absolute_url(context, url: str) -> str:
    """A site-relative URL made absolute on the site's own origin (for social cards)."""
    from home.seo import absolute

    return absolute(url, context.get("request"))


@register.simple_tag(takes_context=True)
def canonical_url(context) -> str:
    """The page's canonical absolute URL (the current path, without query, for other views)."""
    page = context.get("page")
    request = context.get("request")
    if request is None:
        return ""
    if page is not None and hasattr(page, "get_full_url"):
        return page.get_full_url(request) or ""
    return request.build_absolute_uri(request.path)


@register.simple_tag(takes_context=True)
def main_menu(context) -> list:
    """Live pages under the site's home page marked 'show in menus'."""
    from wagtail.models import Site

    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    return memoized(
        ("main_menu", site.pk),
        lambda: list(
            site.root_page.get_children().live().in_menu().only("id", "title", "url_path", "path")
        ),
    )


def _personal(request: Any) -> bool:
    """Whether anything request-specific has been used (as cms.serving.headers tells it)."""
    user = getattr(request, "user", None)
    return bool(
        getattr(request, "is_preview", False)
        or (user is not None and user.is_authenticated)
        or getattr(request, "_csp_nonce", None)
        or request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        or request.META.get("CSRF_COOKIE_USED")
    )


class KeptFragmentNode(template.Node):
    """`{% kept_fragment name key... %}...{% endkept_fragment %}`: see `kept_fragment`."""

    def __init__(self, nodelist: template.NodeList, name: str, keys: list) -> None:
        self.nodelist = nodelist
        self.name = name
        self.keys = keys

    def render(self, context) -> str:
        request = context.get("request")
        if request is None or not serving_page() or _personal(request):
            return self.nodelist.render(context)
        site = site_for_request(request)
        if site is None:  # URLs would come from the request's host
            return self.nodelist.render(context)
        key = (
            "fragment",
            self.name,
            site.pk,
            *(key.resolve(context) for key in self.keys),
        )
        html = kept(key)
        if html is not None:
            return html
        html = self.nodelist.render(context)
        # A form carries per-request tokens (CSRF, the lead form's single-use one); a nonce too.
        if not _personal(request) and "<form" not in html and "nonce=" not in html:
            html = memoized(key, lambda: html)
        return html


@register.tag
def kept_fragment(parser, token) -> KeptFragmentNode:
    """Render the enclosed template once per content version, site and key, for visitors.

    Reference data (cms.serving.refdata): what the fragment shows changes only with an edit,
    which stamps a new content version. Kept only while the project's serve view serves a page
    (never a preview) and only when nothing personal was used, before or while rendering it
    (a signed-in user, the CSP nonce, the CSRF token) and when it holds no form and no nonce:
    those render anew on every request.
    The key's values must name everything else the fragment reads from the page context.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("kept_fragment needs a name")
    nodelist = parser.parse(("endkept_fragment",))
    parser.delete_first_token()
    return KeptFragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])
