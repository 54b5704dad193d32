"""API endpoints of the practice core: calls to action and the practice's details, and the API
form of the practice's blocks. The generic endpoints they build on are in `cms.headless`.
"""

from __future__ import annotations

from typing import Any

from django.urls import path
from rest_framework.response import Response
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet

from cms.headless.fields import IMAGE_SCHEMA, PAGE_LINK_SCHEMA, nullable
from cms.headless.openapi import (
    JSON,
    endpoint_paths,
    register_block_schema,
    register_snippet_schema,
    stream_schema,
)
from cms.headless.representation import image_representation
from cms.headless.viewsets import PublicAPIMixin, SnippetAPIViewSet
from home.api_fields import BUTTON_SCHEMA
from home.blocks import (
    WEEKDAYS,
    CallToActionBlock,
    EmbedBlock,
    HeadingBlock,
    ImageBlock,
    OpeningHoursBlock,
    ProfileLinkBlock,
)
from home.models import CallToAction, PracticeSettings

CTA_SCHEMA: JSON = {
    "type": "object",
    "description": "A call to action with its resolved button (`tel:` link, page or form).",
    "properties": {
        "id": {"type": "integer"},
        "heading": {"type": "string"},
        "text": {"type": "string"},
        "action": {"type": "string", "enum": ["call", "booking", "page", "form"]},
        "page": nullable(PAGE_LINK_SCHEMA),
        "button": BUTTON_SCHEMA,
        "emphasis": {"type": "string", "enum": ["strong", "standard", "quiet"]},
    },
    "required": ["id", "heading", "text", "action", "page", "button", "emphasis"],
}
register_snippet_schema(CallToAction, CTA_SCHEMA)


class CallToActionAPIViewSet(SnippetAPIViewSet):
    name = "ctas"
    model = CallToAction
    item_schema = CTA_SCHEMA
    schema_name = "CallToAction"

    def get_queryset(self):
        return CallToAction.objects.select_related("link_page").order_by("id")


# Practice -------------------------------------------------------------------------------------

PRACTICE_SCHEMA: JSON = {
    "type": "object",
    "description": "The practice's public contact details for the requested site.",
    "properties": {
        "name": {"type": "string"},
        "phone": {"type": "string"},
        "phone_href": {"type": "string", "description": "`tel:+1...`, or empty"},
        "email": {"type": "string"},
        "address": {
            "type": "object",
            "properties": {
                "street_address": {"type": "string"},
                "locality": {"type": "string"},
                "region": {"type": "string"},
                "postal_code": {"type": "string"},
                "country": {"type": "string"},
                "one_line": {"type": "string"},
            },
            "required": [
                "street_address",
                "locality",
                "region",
                "postal_code",
                "country",
                "one_line",
            ],
        },
        "service_area": {"type": "string"},
        "booking_url": {"type": "string"},
        "consultation_url": {"type": "string"},
        "privacy_policy_url": {"type": "string"},
        "crisis_notice": {"type": "string"},
        "footer_text": {"type": "string"},
        "header_cta": BUTTON_SCHEMA,
        "profiles": {"type": "array", "description": "The practice's profiles elsewhere."},
        "share_image": nullable(IMAGE_SCHEMA),
        "logo": nullable(IMAGE_SCHEMA),
        "brand_colour": {"type": "string", "description": "`#rrggbb`, contrast-checked"},
        "free_consultation": {"type": "string", "description": "The free first-call offer"},
        "fees": {"type": "array", "description": "Session types with length and price (USD)."},
        "price_range": {"type": "string", "description": "e.g. `$150-$220`, or empty"},
        "sliding_scale": {"type": "string"},
        "insurance": {"type": "string"},
        "superbills": {"type": "boolean"},
        "cancellation_policy": {"type": "string"},
        "directions": {"type": "string"},
        "parking_accessibility": {"type": "string"},
        "map_image": nullable(IMAGE_SCHEMA),
        "opening_hours": {"type": "array", "description": "Days with opening and closing time."},
        "booking_cta": {
            "$ref": "#/components/schemas/Button",
            "description": "The booking button: the booking page, else the consultation form.",
        },
    },
    "required": ["name", "phone", "phone_href", "email", "address", "crisis_notice"],
}


def practice_representation(practice: PracticeSettings, context: dict) -> dict[str, Any]:
    """Public contact details only: never staff addresses or notification settings."""
    header = practice.header_action()
    booking = practice.booking_action()

    def stream(name: str):
        value = getattr(practice, name)
        return value.stream_block.get_api_representation(value, context)

    return {
        "name": practice.practice_name,
        "phone": practice.phone,
        "phone_href": practice.phone_href,
        "email": practice.email,
        "address": {
            "street_address": practice.street_address,
            "locality": practice.locality,
            "region": practice.region,
            "postal_code": practice.postal_code,
            "country": practice.country,
            "one_line": practice.postal_address,
        },
        "service_area": practice.service_area,
        "booking_url": practice.booking_url,
        "consultation_url": practice.consultation_url,
        "privacy_policy_url": practice.privacy_policy_url,
        "crisis_notice": practice.crisis_notice,
        "footer_text": practice.footer_text,
        "header_cta": {"href": header.href, "label": header.label},
        "profiles": practice.social_links.stream_block.get_api_representation(
            practice.social_links, context
        ),
        "share_image": image_representation(practice.default_share_image),
        "logo": image_representation(practice.logo),
        "brand_colour": practice.brand_colour,
        "free_consultation": practice.free_consultation,
        "fees": stream("fees"),
        "price_range": practice.price_range,
        "sliding_scale": practice.sliding_scale,
        "insurance": practice.insurance,
        "superbills": practice.superbills,
        "cancellation_policy": practice.cancellation_policy,
        "directions": practice.directions,
        "parking_accessibility": practice.parking_accessibility,
        "map_image": image_representation(practice.map_image),
        "opening_hours": stream("opening_hours"),
        "booking_cta": {"href": booking.href, "label": booking.label},
    }


class PracticeAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """`/api/v2/practice/`: one object, the requested site's practice details."""

    name = "practice"
    model = PracticeSettings

    def listing_view(self, request):
        unknown = set(request.GET) - {"format"}
        if unknown:
            raise BadRequestError(
                "practice takes no query parameters: " + ", ".join(sorted(unknown))
            )
        practice = PracticeSettings.for_request(request)
        return Response(practice_representation(practice, {"request": request}))

    @classmethod
    def get_urlpatterns(cls):

        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def openapi_paths(cls, base: str, name: str, schemas: dict[str, JSON]) -> dict[str, JSON]:
        def field_stream(name: str) -> JSON:
            return stream_schema(PracticeSettings._meta.get_field(name).stream_block)

        schemas["Practice"] = {
            **PRACTICE_SCHEMA,
            "properties": {
                **PRACTICE_SCHEMA["properties"],
                "profiles": field_stream("social_links"),
                "fees": field_stream("fees"),
                "opening_hours": field_stream("opening_hours"),
            },
            "required": list(PRACTICE_SCHEMA["properties"]),
        }
        paths = endpoint_paths(base, name, {}, {}, [], [])
        operation = paths[base]["get"]
        operation["parameters"] = []
        operation["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/Practice"
        }
        return {base: paths[base]}


# Blocks with their own API form ---------------------------------------------------------------

BUTTON_SCHEMA = {
    "type": "object",
    "properties": {
        "href": {"type": "string", "description": "`tel:+1...`, a URL or a page path"},
        "label": {"type": "string"},
    },
    "required": ["href", "label"],
}

register_block_schema(
    HeadingBlock,
    {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "level": {"type": "string", "enum": ["h2", "h3"]},
            "anchor": {"type": "string"},
        },
        "required": ["text", "level", "anchor"],
    },
)
register_block_schema(
    ImageBlock,
    {
        "type": "object",
        "properties": {
            "image": nullable(IMAGE_SCHEMA),
            "decorative": {"type": "boolean"},
            "caption": {"type": "string"},
            "credit": {"type": "string"},
        },
        "required": ["image", "decorative", "caption", "credit"],
    },
)
register_block_schema(
    EmbedBlock,
    {
        "type": "object",
        "description": "External media as a link card (nothing from the other site loads).",
        "properties": {
            "url": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "host": {"type": "string"},
        },
        "required": ["url", "title", "host"],
    },
)
HH_MM = {"type": "string", "pattern": "^([01][0-9]|2[0-3]):[0-5][0-9]$", "description": "24-hour"}
register_block_schema(
    OpeningHoursBlock,
    {
        "type": "object",
        "properties": {
            "day": {"type": "string", "enum": [day for day, _label in WEEKDAYS]},
            "opens": HH_MM,
            "closes": HH_MM,
        },
        "required": ["day", "opens", "closes"],
    },
)
register_block_schema(
    ProfileLinkBlock,
    {
        "type": "object",
        "properties": {
            "network": {"type": "string"},
            "url": {"type": "string"},
            "name": {"type": "string"},
        },
        "required": ["network", "url", "name"],
    },
)


def _cta_block_schema(block) -> dict[str, Any]:
    inline = {
        "type": "object",
        "description": "A one-off call to action written in the block.",
        "properties": {
            "source": {"const": "inline"},
            "snippet": {"type": "null"},
            "heading": {"type": "string"},
            "text": {"type": "string"},
            "action": {"type": "string"},
            "page": nullable(PAGE_LINK_SCHEMA),
            "button": BUTTON_SCHEMA,
            "emphasis": {"type": "string"},
        },
        "required": [
            "source",
            "snippet",
            "heading",
            "text",
            "action",
            "page",
            "button",
            "emphasis",
        ],
    }
    chosen = {
        "type": "object",
        "description": "A reusable call to action (snippet), expanded.",
        "properties": {"source": {"const": "snippet"}, "snippet": CTA_SCHEMA},
        "required": ["source", "snippet"],
    }
    return {"oneOf": [chosen, inline]}


register_block_schema(CallToActionBlock, _cta_block_schema)
