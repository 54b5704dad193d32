"""Structured data (schema.org JSON-LD) for the practice and its pages, built as Python dicts.

Templates never hand-build JSON: they print ``page.get_structured_data(request)`` through the
``json_ld`` template tag, which escapes it the way Django's ``json_script`` does.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

SCHEMA_CONTEXT = "https://schema.org"


def site_root_url(request: Any = None) -> str:
    """The public origin, e.g. https://practice.example (no trailing slash).

    The Wagtail site's own hostname wins (it is what canonical URLs and the sitemap use), then the
    request's host, then ``SITE_URL``.
    """
    from wagtail.models import Site

    if request is not None:
        site = Site.find_for_request(request)
        if site is not None:
            return site.root_url.rstrip("/")
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL.rstrip("/")


def absolute(url: str, request: Any = None) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return site_root_url(request) + url


def organisation_id(request: Any = None) -> str:
    return f"{site_root_url(request)}/#practice"


def organisation_schema(practice: Any, request: Any = None) -> dict[str, Any]:
    """The practice as a schema.org business: name, address, phone, profiles (sameAs)."""
    data: dict[str, Any] = {
        "@type": practice.organisation_type or "MedicalBusiness",
        "@id": organisation_id(request),
        "name": practice.practice_name,
        "url": site_root_url(request) + "/",
    }
    if practice.phone_e164:
        data["telephone"] = practice.phone_e164
    if practice.email:
        data["email"] = practice.email
    if practice.street_address or practice.locality:
        data["address"] = {
            "@type": "PostalAddress",
            "streetAddress": practice.street_address,
            "addressLocality": practice.locality,
            "addressRegion": practice.region,
            "postalCode": practice.postal_code,
            "addressCountry": practice.country,
        }
    if practice.service_area:
        data["areaServed"] = practice.service_area
    same_as = [link.value["url"] for link in practice.social_links]
    if same_as:
        data["sameAs"] = same_as
    if practice.default_share_image is not None:
        rendition = practice.default_share_image.get_rendition("fill-1200x630")
        data["image"] = absolute(rendition.url, request)
    if practice.logo is not None:
        data["logo"] = absolute(practice.logo.get_rendition("max-480x160").url, request)
    if practice.price_range:
        data["priceRange"] = practice.price_range
    hours = [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"https://schema.org/{block.value['day']}",
            "opens": block.value["opens"].strftime("%H:%M"),
            "closes": block.value["closes"].strftime("%H:%M"),
        }
        for block in practice.opening_hours
    ]
    if hours:
        data["openingHoursSpecification"] = hours
    if practice.map_image is not None:
        data["hasMap"] = absolute(practice.map_image.get_rendition("max-1200x800").url, request)
    return data


def breadcrumb_schema(crumbs: list[tuple[str, str]]) -> dict[str, Any]:
    """A BreadcrumbList from (name, absolute url) pairs, home first."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": index, "name": name, "item": {"@id": url}}
            for index, (name, url) in enumerate(crumbs, start=1)
        ],
    }


def graph(*nodes: dict[str, Any] | None) -> dict[str, Any]:
    """One JSON-LD document holding every node of the page."""
    return {"@context": SCHEMA_CONTEXT, "@graph": [node for node in nodes if node]}
