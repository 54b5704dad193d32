"""`POST /api/v2/leads/`: the headless entry point for consultation requests, and its OpenAPI.

Write-only by design: there is no way to read a lead through the public API. The body is bounded,
strictly typed JSON; the accepted fields come from `fields.API_FIELDS`, validation is `LeadForm`'s,
storage is `services.submit_lead`'s.

`GET /api/v2/forms/consultation/` describes the same form for a frontend that renders it itself:
every field as `LeadForm` builds it for the HTML page (label, help, input type, choices, limits,
rules), the consent sentence and its version, the privacy link and the thank-you text.
"""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from cms.serving.proxy import client_ip
from integrations.keys import (
    KEY_HEADER,
    VISITOR_HEADER,
    BadVisitorAddress,
    InvalidKey,
    trusted_caller,
)

from .fields import API_FIELDS, CONSENT_LABEL, Kind, LeadField, Source
from .forms import FORM_TEXT, PHONE_REQUIRED_FOR, PHONE_REQUIRED_MESSAGE, LeadForm
from .models import Lead
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
    try:
        caller = trusted_caller(request)
    except InvalidKey:
        return _error(
            401,
            f"The frontend key is not valid (unknown, revoked or mistyped). Send a key created "
            f"in the admin under Settings > Frontend API keys as {KEY_HEADER}, or send no key.",
            WWW_Authenticate='Bearer realm="leads"',
        )
    except BadVisitorAddress:
        return _error(
            400,
            f"With a frontend key, send the visitor's IP address in {VISITOR_HEADER} "
            "(e.g. 203.0.113.7 or 2001:db8::1).",
        )
    address = caller.visitor_ip if caller is not None else client_ip(request)
    data = {key: value for key, value in payload.items() if value is not None}
    if data.get("consent") is False:
        data.pop("consent")
    form = LeadForm(data)
    if not form.is_valid():
        return _error(400, "Please correct the fields listed in errors.", form.field_errors())
    try:
        lead = submit_lead(form.cleaned_data, Submission(client_ip=address, channel="api"))
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
            # `false` is refused (400), as a box left unticked: the request cannot be stored.
            schema: dict[str, Any] = {
                "type": "boolean",
                "const": True,
                "description": "Must be true: the person agrees to the consent text.",
            }
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
        "description": (
            f"At most {MAX_BODY_BYTES // 1024} KB of UTF-8 JSON. `phone` is required unless "
            "`preferred_contact` is `email` (it defaults to `phone`)."
        ),
        "oneOf": [
            {
                "title": "LeadByEmail",
                "description": "Contact by email: the phone number is optional.",
                "properties": {"preferred_contact": {"const": Lead.ContactMethod.EMAIL.value}},
                "required": ["preferred_contact"],
            },
            {
                "title": "LeadByPhone",
                "description": "Contact by phone call or text (the default): a phone number.",
                "properties": {
                    "preferred_contact": {"enum": [str(value) for value in PHONE_REQUIRED_FOR]},
                    "phone": {"type": "string", "minLength": 1},
                },
                "required": ["phone"],
            },
        ],
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
            "description": (
                "From a browser: send no key; the caller's address is rate-limited. From a "
                f"frontend server: send its key as `{KEY_HEADER}` (or `Authorization: Bearer`) "
                f"and the visitor's address as `{VISITOR_HEADER}`; the visitor's address is then "
                "rate-limited and checked for spam instead of the server's."
            ),
            # Anyone (the caller's address counts), or a frontend server with its key.
            "security": [{}, {"frontendKey": []}],
            "parameters": [
                {
                    "name": VISITOR_HEADER,
                    "in": "header",
                    "required": False,
                    "description": "The visitor's IP address; required with a frontend key.",
                    "schema": {"type": "string", "maxLength": 64},
                },
            ],
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
                "401": answer("A frontend key was sent but is not valid."),
                "413": answer("Body too large."),
                "415": answer("Not JSON, or not UTF-8."),
                "429": answer("Too many requests from this address; see Retry-After."),
                "503": answer("The request could not be stored; call the practice."),
            },
        }
    }


# The form, described -----------------------------------------------------------------------------

#: The JSON type of each kind of field, as a JSON-schema type.
SCHEMA_TYPES: dict[Kind, str] = {
    Kind.LINE: "string",
    Kind.EMAIL: "string",
    Kind.TEXT: "string",
    Kind.CHOICE: "string",
    Kind.CONSENT: "boolean",
    Kind.PAGE: "integer",
}
#: A field required only for some contact methods: {field: (other field, its values)}.
CONDITIONAL_REQUIRED: dict[str, tuple[str, tuple[str, ...], str]] = {
    "phone": ("preferred_contact", tuple(PHONE_REQUIRED_FOR), PHONE_REQUIRED_MESSAGE),
}


def _input_type(widget: Any) -> str:
    if getattr(widget, "input_type", None):
        return "radio" if widget.input_type == "radio" else widget.input_type
    return "textarea" if widget.__class__.__name__ == "Textarea" else "text"


def _describe_field(form: LeadForm, spec: LeadField) -> dict[str, Any]:
    field = form.fields[spec.name]
    widget = field.widget
    condition = CONDITIONAL_REQUIRED.get(spec.name)
    choices = getattr(field, "choices", None)
    initial = form.get_initial_for_field(field, spec.name)
    return {
        "name": spec.name,
        "label": str(field.label or ""),
        "help_text": str(field.help_text or ""),
        "input_type": _input_type(widget),
        "json_type": SCHEMA_TYPES[spec.kind],
        "source": str(spec.source),
        "required": field.required,
        "required_when": (
            {"field": condition[0], "in": list(condition[1]), "message": condition[2]}
            if condition
            else None
        ),
        "required_message": str(field.error_messages["required"]) if field.required else None,
        "max_length": getattr(field, "max_length", None),
        "choices": (
            [{"value": str(value), "label": str(label)} for value, label in choices]
            if choices
            else None
        ),
        "initial": str(initial) if initial not in (None, "") else None,
        "autocomplete": widget.attrs.get("autocomplete"),
    }


def form_description(request: HttpRequest) -> dict[str, Any]:
    """The consultation form as the HTML page shows it, for a frontend to render and post."""
    form = LeadForm()
    practice = apps.get_model(settings.LEADS_PRACTICE_SETTINGS).for_request(request)
    recaptcha = settings.RECAPTCHA_ENABLED
    return {
        "name": "consultation",
        "heading": FORM_TEXT["heading"],
        "action": request.build_absolute_uri(reverse("leads:api-intake")),
        "method": "POST",
        "html_url": request.build_absolute_uri(reverse("leads:consultation")),
        "fields": [_describe_field(form, spec) for spec in API_FIELDS],
        "consent": {
            "field": "consent",
            "text": CONSENT_LABEL,
            "version": settings.LEADS_CONSENT_VERSION,
            "privacy_url": practice.privacy_policy_url or None,
            "privacy_link": FORM_TEXT["privacy_link"],
            "privacy_link_note": FORM_TEXT["privacy_link_note"],
        },
        "privacy_note": FORM_TEXT["privacy_note"],
        "submit_label": FORM_TEXT["submit"],
        "thank_you": {"heading": FORM_TEXT["thank_you_heading"], "text": FORM_TEXT["thank_you"]},
        "recaptcha": {
            "enabled": recaptcha,
            "version": settings.RECAPTCHA_VERSION if recaptcha else None,
            "site_key": settings.RECAPTCHA_PUBLIC_KEY if recaptcha else None,
        },
    }


@require_GET
def consultation_form(request: HttpRequest) -> JsonResponse:
    """`GET /api/v2/forms/consultation/`: the form's fields, rules and words."""
    unknown = set(request.GET) - {"format"}
    if unknown:
        return _error(400, "This endpoint takes no query parameters: " + ", ".join(sorted(unknown)))
    return JsonResponse(form_description(request))


def _closed(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


def consultation_form_operation(schemas: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI operation for `GET forms/consultation/`, with its `ConsultationForm` schema."""
    nullable_string = {"type": ["string", "null"]}
    names = [spec.name for spec in API_FIELDS]
    schemas["FormField"] = _closed(
        {
            "name": {"type": "string", "enum": names},
            "label": {"type": "string"},
            "help_text": {"type": "string"},
            "input_type": {
                "type": "string",
                "description": "The HTML input type (`textarea` for a text area).",
                "enum": [
                    "text",
                    "email",
                    "tel",
                    "radio",
                    "checkbox",
                    "textarea",
                    "hidden",
                    "number",
                    "url",
                ],
            },
            "json_type": {"type": "string", "enum": sorted(set(SCHEMA_TYPES.values()))},
            "source": {"type": "string", "enum": [str(source) for source in Source]},
            "required": {"type": "boolean"},
            "required_when": {
                "anyOf": [
                    _closed(
                        {
                            "field": {"type": "string"},
                            "in": {"type": "array", "items": {"type": "string"}},
                            "message": {"type": "string"},
                        }
                    ),
                    {"type": "null"},
                ],
                "description": "Required when another field has one of these values.",
            },
            "required_message": nullable_string,
            "max_length": {"type": ["integer", "null"]},
            "choices": {
                "anyOf": [
                    {
                        "type": "array",
                        "items": _closed(
                            {"value": {"type": "string"}, "label": {"type": "string"}}
                        ),
                    },
                    {"type": "null"},
                ]
            },
            "initial": nullable_string,
            "autocomplete": nullable_string,
        }
    )
    schemas["ConsultationForm"] = _closed(
        {
            "name": {"const": "consultation"},
            "heading": {"type": "string"},
            "action": {"type": "string", "description": "Where to POST the JSON (absolute)."},
            "method": {"const": "POST"},
            "html_url": {"type": "string", "description": "The HTML form's page."},
            "fields": {"type": "array", "items": {"$ref": "#/components/schemas/FormField"}},
            "consent": _closed(
                {
                    "field": {"const": "consent"},
                    "text": {"type": "string", "description": "The sentence the box agrees to."},
                    "version": {
                        "type": "string",
                        "description": "Recorded with each lead: the version of `text`.",
                    },
                    "privacy_url": nullable_string,
                    "privacy_link": {"type": "string"},
                    "privacy_link_note": {"type": "string"},
                }
            ),
            "privacy_note": {"type": "string"},
            "submit_label": {"type": "string"},
            "thank_you": {
                **_closed({"heading": {"type": "string"}, "text": {"type": "string"}}),
                "description": "What to show once the request is received.",
            },
            "recaptcha": _closed(
                {
                    "enabled": {"type": "boolean"},
                    "version": nullable_string,
                    "site_key": nullable_string,
                }
            ),
        }
    )
    return {
        "get": {
            "operationId": "forms_consultation",
            "tags": ["forms"],
            "summary": "Describe the consultation form: fields, rules, consent and thank-you text",
            "description": (
                "Built from the same form class as the HTML form, so a frontend can render it "
                "and post to `action` (`POST /api/v2/leads/`)."
            ),
            "parameters": [],
            "responses": {
                "200": {
                    "description": "The form.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/ConsultationForm"}
                        }
                    },
                },
                "400": {
                    "description": "A query parameter was given.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/LeadError"}}
                    },
                },
            },
        }
    }
