"""`POST /api/v2/views/` and `POST /api/v2/clicks/`: beacons that count, and nothing else.

`views/` is for headless frontends (a page id only); `clicks/` is what `insights/cta.js` sends
when a reader follows a call to action. Both answer 204 whether or not the beacon was counted
(bots and visitors with Do Not Track or Global Privacy Control are not), 429 above the per-address
limit, and 4xx with a message for anything malformed. The address is never stored: the limit
counts under a salted hash whose salt changes every window, in a key that expires with it.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.views.decorators.csrf import csrf_exempt
from wagtail.models import Page

from cms.serving.proxy import client_ip

from . import counting

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024
MAX_ID = 2**31 - 1
CONTENT_TYPES = {"application/json", "text/plain"}


def _error(status: int, message: str, **headers: str) -> JsonResponse:
    response = JsonResponse({"message": message}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def rate_limited(request: HttpRequest) -> int:
    """Seconds to wait when this address sent too many beacons in the window, else 0.

    Fails open: with the cache down every beacon is accepted."""
    limit, window = settings.INSIGHTS_BEACON_LIMIT, settings.INSIGHTS_BEACON_WINDOW
    if limit <= 0:
        return 0
    now = int(timezone.now().timestamp())
    start = now - now % window
    digest = salted_hmac(f"insights.beacon.{start}", client_ip(request), algorithm="sha256")
    key = f"insights:rate:{digest.hexdigest()[:32]}"
    try:
        cache.add(key, 0, timeout=window + 5)
        count = cache.incr(key)
    except ValueError:
        return 0
    except Exception as exc:
        logger.info("Beacon rate limit skipped: the cache failed (%s).", type(exc).__name__)
        return 0
    return max(1, start + window - now) if count > limit else 0


def _payload(request: HttpRequest, allowed: dict[str, type]) -> dict[str, Any] | JsonResponse:
    if request.method != "POST":
        return _error(405, "Only POST is allowed: figures are never readable here.", Allow="POST")
    if (request.content_type or "").lower() not in CONTENT_TYPES:
        return _error(415, "Send a JSON object with Content-Type: application/json.")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        return _error(413, f"The body is larger than {MAX_BODY_BYTES} bytes.")
    try:
        payload = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _error(400, 'The body is not valid JSON. Send one object, e.g. {"page": 3}.')
    if not isinstance(payload, dict):
        return _error(400, 'Send one JSON object, e.g. {"page": 3}.')
    unknown = sorted(set(payload) - set(allowed))
    if unknown:
        names = ", ".join(sorted(allowed))
        return _error(400, f"Unknown field {unknown[0][:50]!r}: only {names} are accepted.")
    for name, kind in allowed.items():
        value = payload.get(name)
        if kind is int and (
            not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID
        ):
            return _error(400, f"`{name}` must be a page id (a whole number above 0).")
        if kind is str and (
            not isinstance(value, str) or not value.strip() or len(value) > counting.CTA_MAX
        ):
            return _error(400, f"`{name}` must be a string of 1 to {counting.CTA_MAX} characters.")
    if "action" in allowed and payload["action"] not in counting.ACTIONS:
        return _error(400, "`action` must be one of: " + ", ".join(counting.ACTIONS) + ".")
    if not Page.objects.live().filter(pk=payload["page"], depth__gt=1).exists():
        return _error(404, "No published page has this id.")
    return payload


def _count(request: HttpRequest, allowed: dict[str, type], field) -> HttpResponse:
    payload = _payload(request, allowed)
    if isinstance(payload, JsonResponse):
        return payload
    if wait := rate_limited(request):
        return _error(
            429, "Too many beacons from this address; try again later.", Retry_After=str(wait)
        )
    if counting.counting_enabled() and counting.countable_visitor(request):
        counting.increment(field(payload))
    return HttpResponse(status=204)


@csrf_exempt
def view_beacon(request: HttpRequest) -> HttpResponse:
    """A headless frontend showed a page: `{"page": id}`."""
    return _count(request, {"page": int}, lambda payload: counting.page_view_field(payload["page"]))


@csrf_exempt
def click_beacon(request: HttpRequest) -> HttpResponse:
    """A reader followed a call to action: `{"page": id, "cta": block id, "action": kind}`."""

    def field(payload: dict[str, Any]) -> str:
        return counting.click_field(payload["page"], payload["cta"], payload["action"])

    return _count(request, {"page": int, "cta": str, "action": str}, field)


# OpenAPI ----------------------------------------------------------------------------------------


def _beacon_operation(operation_id: str, summary: str, schema: dict[str, Any]) -> dict[str, Any]:
    error = {
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BeaconError"}}}
    }
    return {
        "post": {
            "operationId": operation_id,
            "tags": ["insights"],
            "summary": summary,
            "description": (
                "Counts one event and stores no address, user agent, cookie or visitor id. Not "
                "counted (still 204): known bots, and visitors sending `DNT: 1` or `Sec-GPC: 1`. "
                "Figures are only in the admin; nothing here reads them."
            ),
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": schema}},
            },
            "responses": {
                "204": {"description": "Received (counted unless the visitor is not counted)."},
                "400": {"description": "Not a JSON object, unknown field or wrong type.", **error},
                "404": {"description": "No published page has this id.", **error},
                "405": {"description": "Only POST.", **error},
                "413": {"description": "Body too large.", **error},
                "415": {"description": "Not JSON.", **error},
                "429": {"description": "Too many beacons from this address.", **error},
            },
        }
    }


def _error_schema(schemas: dict[str, Any]) -> None:
    schemas["BeaconError"] = {
        "type": "object",
        "properties": {"message": {"type": "string"}},
        "required": ["message"],
    }


def view_beacon_operation(schemas: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation for `POST views/`."""
    _error_schema(schemas)
    schemas["ViewBeacon"] = {
        "type": "object",
        "properties": {
            "page": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ID,
                "description": "The page id.",
            }
        },
        "required": ["page"],
        "additionalProperties": False,
    }
    return _beacon_operation(
        "views_create",
        "Count a page view shown by a headless frontend",
        {"$ref": "#/components/schemas/ViewBeacon"},
    )


def click_beacon_operation(schemas: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation for `POST clicks/`."""
    _error_schema(schemas)
    schemas["ClickBeacon"] = {
        "type": "object",
        "properties": {
            "page": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_ID,
                "description": "The page id.",
            },
            "cta": {
                "type": "string",
                "minLength": 1,
                "maxLength": counting.CTA_MAX,
                "description": "The CTA block's id (`data-insights-cta` on its link).",
            },
            "action": {"type": "string", "enum": list(counting.ACTIONS)},
        },
        "required": ["page", "cta", "action"],
        "additionalProperties": False,
    }
    return _beacon_operation(
        "clicks_create",
        "Count a click on a call to action",
        {"$ref": "#/components/schemas/ClickBeacon"},
    )
