"""`POST /api/v2/leads/`: the headless entry point for consultation requests, and its OpenAPI.

Write-only by design: there is no way to read a lead through the public API. The body is bounded,
strictly typed JSON; the accepted fields come from `fields.API_FIELDS`, validation is `LeadForm`'s,
storage is `services.submit_lead`'s.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from cms.serving.proxy import client_ip

from .fields import API_FIELDS, Kind, LeadField
from .forms import LeadForm
from .services import (
    IntakeUnavailable,
    RateLimited,
    Submission,
    practice_phone,
    submit_lead,
)

MAX_BODY_BYTES = 16 * 1024

#: The JSON type the API accepts for each kind of field, as its error messages name it.
JSON_TYPES: dict[Kind, str] = {
    Kind.LINE: "a string",
    Kind.EMAIL: "a string",
    Kind.TEXT: "a string",
    Kind.CHOICE: "a string",
    Kind.CONSENT: "true or false",
    Kind.PAGE: "a page id (a whole number) or null",
}
_TYPE_ORDER = list(dict.fromkeys(JSON_TYPES.values()))
_API_FIELDS: dict[str, LeadField] = {
    field.name: field
    for field in sorted(API_FIELDS, key=lambda field: _TYPE_ORDER.index(JSON_TYPES[field.kind]))
}
#: Every field the API accepts and its JSON type: the strings, then consent, then the page id.
FIELDS: dict[str, str] = {name: JSON_TYPES[field.kind] for name, field in _API_FIELDS.items()}


def _error(status: int, message: str, errors: dict[str, list[str]] | None = None, **headers):
    body: dict[str, Any] = {"message": message}
    if errors is not None:
        body["errors"] = errors
    response = JsonResponse(body, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def _reject_constant(name: str):
    raise ValueError(f"{name} is not valid JSON")


def _parse(request: HttpRequest) -> dict[str, Any] | JsonResponse:
    """The JSON object in the body, or the 4xx response explaining what is wrong with it."""
    content_type = request.content_type or ""
    if content_type.lower() != "application/json":
        return _error(415, "Send the request as JSON with Content-Type: application/json.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return _error(413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.")
    raw = request.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        return _error(413, f"The request body is larger than {MAX_BODY_BYTES // 1024} KB.")
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        return _error(415, "Send the JSON body encoded as UTF-8.")
    try:
        text = raw.decode("utf-8")
        payload = json.loads(text, parse_constant=_reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError):
        return _error(400, "The body is not valid JSON (it may be cut short). Send one object.")
    if not isinstance(payload, dict):
        return _error(400, 'Send one JSON object, e.g. {"name": ..., "email": ...}.')
    return payload


def _has_json_type(kind: Kind, value: Any) -> bool:
    if kind is Kind.CONSENT:
        return isinstance(value, bool)
    if kind is Kind.PAGE:
        return value is None or (isinstance(value, int) and not isinstance(value, bool))
    return isinstance(value, str)


def _type_errors(payload: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for key, value in payload.items():
        if key not in FIELDS:
            errors[key[:100]] = [
                "Unknown field. Allowed fields: " + ", ".join(sorted(FIELDS)) + "."
            ]
            continue
        if not _has_json_type(_API_FIELDS[key].kind, value):
            errors[key] = [f"Must be {FIELDS[key]}."]
    return errors


@csrf_exempt
def intake(request: HttpRequest) -> JsonResponse:
    """Accept one consultation request as JSON; answer 201 with an opaque reference."""
    if request.method != "POST":
        return _error(
            405, "Only POST is allowed: leads cannot be read through the API.", Allow="POST"
        )
    payload = _parse(request)
    if isinstance(payload, JsonResponse):
        return payload
    if errors := _type_errors(payload):
        return _error(400, "Some fields have the wrong name or type.", errors)
    data = {key: value for key, value in payload.items() if value is not None}
    if data.get("consent") is False:
        data.pop("consent")
    form = LeadForm(data)
    if not form.is_valid():
        return _error(400, "Please correct the fields listed in errors.", form.field_errors())
    try:
        lead = submit_lead(
            form.cleaned_data, Submission(client_ip=client_ip(request), channel="api")
        )
    except RateLimited as limited:
        return _error(
            429,
            "Too many requests from this address. Please try again later, or call the practice.",
            Retry_After=str(limited.retry_after),
        )
    except IntakeUnavailable:
        phone = practice_phone(request)
        message = "We could not save your request just now. Please call the practice"
        message += f" on {phone}." if phone else "."
        return _error(503, message, Retry_After="60")
    return JsonResponse({"reference": lead.reference, "status": "received"}, status=201)


# OpenAPI ----------------------------------------------------------------------------------------


def lead_intake_operation(schemas: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation for `POST leads/`; adds its `LeadRequest` and `LeadError` schemas."""
    properties: dict[str, Any] = {}
    for name, field in _API_FIELDS.items():
        if field.kind is Kind.CONSENT:
            schema: dict[str, Any] = {"type": "boolean", "description": "Must be true."}
        elif field.kind is Kind.PAGE:
            schema = {"type": ["integer", "null"], "description": "The page the request came from."}
        else:
            schema = {"type": "string"}
            if field.choices:
                schema["enum"] = [value for value, _ in field.choices]
            elif field.max_length:
                schema["maxLength"] = field.max_length
        if field.help_text:
            schema["description"] = field.help_text
        properties[name] = schema
    schemas["LeadRequest"] = {
        "type": "object",
        "properties": properties,
        "required": [name for name, field in _API_FIELDS.items() if field.required],
        "additionalProperties": False,
        "description": f"At most {MAX_BODY_BYTES // 1024} KB of UTF-8 JSON.",
    }
    schemas["LeadError"] = {
        "type": "object",
        "properties": {
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["message"],
    }

    def answer(description: str) -> dict[str, Any]:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LeadError"}}},
        }

    return {
        "post": {
            "operationId": "leads_create",
            "tags": ["leads"],
            "summary": "Ask for a consultation. Write-only: leads are never readable here.",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/LeadRequest"}}
                },
            },
            "responses": {
                "201": {
                    "description": "Received; `reference` is an opaque receipt.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "reference": {"type": "string"},
                                    "status": {"const": "received"},
                                },
                                "required": ["reference", "status"],
                            }
                        }
                    },
                },
                "400": answer("Invalid JSON, unknown field, wrong type or a field to correct."),
                "413": answer("Body too large."),
                "415": answer("Not JSON, or not UTF-8."),
                "429": answer("Too many requests from this address; see Retry-After."),
                "503": answer("The request could not be stored; call the practice."),
            },
        }
    }
