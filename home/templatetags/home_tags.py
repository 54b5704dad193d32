"""Template tags shared by every page: structured data and the practice's header action."""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import _json_script_escapes, format_html
from django.utils.safestring import mark_safe

from cms.serving.refdata import memoized

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
