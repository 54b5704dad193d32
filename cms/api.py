"""The headless API router: `/api/v2/`. Endpoints live in their apps; this file only wires them."""

from django import forms
from wagtail.api.v2.router import WagtailAPIRouter

from blog.api import ArticlePagesAPIViewSet, AuthorsAPIViewSet, CategoriesAPIViewSet
from cms.headless.openapi import JSON, register_operation
from cms.headless.views import ping_operation
from cms.headless.viewsets import DocumentsAPIViewSet, ImagesAPIViewSet, PreviewAPIViewSet
from home.api import CallToActionAPIViewSet, PracticeAPIViewSet
from leads.api import FIELDS, MAX_BODY_BYTES
from leads.forms import LeadForm

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ArticlePagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
api_router.register_endpoint("authors", AuthorsAPIViewSet)
api_router.register_endpoint("ctas", CallToActionAPIViewSet)
api_router.register_endpoint("categories", CategoriesAPIViewSet)
api_router.register_endpoint("practice", PracticeAPIViewSet)
api_router.register_endpoint("preview", PreviewAPIViewSet)


def lead_intake_operation(schemas: dict[str, JSON]) -> JSON:
    """`POST leads/`, described from the intake's own field list and form (leads/)."""
    properties: dict[str, JSON] = {}
    form_fields = LeadForm.base_fields
    for name in FIELDS:
        field = form_fields.get(name)
        if name == "consent":
            schema: JSON = {"type": "boolean", "description": "Must be true."}
        elif name == "source_page":
            schema = {"type": ["integer", "null"], "description": "The page the request came from."}
        else:
            schema = {"type": "string"}
            if isinstance(field, forms.ChoiceField):
                schema["enum"] = [value for value, _ in field.choices]
            elif field is not None and getattr(field, "max_length", None):
                schema["maxLength"] = field.max_length
        if field is not None and field.help_text:
            schema["description"] = str(field.help_text)
        properties[name] = schema
    required = [name for name in FIELDS if form_fields.get(name) and form_fields[name].required]
    schemas["LeadRequest"] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "description": f"At most {MAX_BODY_BYTES // 1024} KB of UTF-8 JSON.",
    }
    error = {
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
    schemas["LeadError"] = error

    def answer(description: str) -> JSON:
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


register_operation("leads/", lead_intake_operation)
register_operation("ping/", ping_operation)
