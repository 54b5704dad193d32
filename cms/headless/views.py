"""Views of the headless API outside the router: JSON 404, ping and the OpenAPI document."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from cms.headless.openapi import JSON, build_openapi


def not_found(request, *args, **kwargs):
    """Anything under /api/ that no endpoint serves: a JSON 404, not the site's HTML page."""
    return JsonResponse({"message": "not found"}, status=404)


@require_GET
def ping(request):
    """A constant answer from the full stack: the benchmark's ceiling and a liveness probe."""
    return JsonResponse({"status": "ok"})


def ping_operation(schemas: dict[str, JSON]) -> JSON:
    return {
        "get": {
            "operationId": "ping",
            "summary": "Check that the application answers",
            "tags": ["health"],
            "responses": {
                "200": {
                    "description": "The application answers.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"status": {"const": "ok"}},
                                "required": ["status"],
                            }
                        }
                    },
                }
            },
        }
    }


_documents: dict[int, JSON] = {}


def openapi_view(router):
    """`/api/v2/openapi.json` for `router`; the document is built once per process."""

    @require_GET
    def openapi(request):
        key = id(router)
        if key not in _documents:
            _documents[key] = build_openapi(router, server_url=settings.WAGTAILAPI_BASE_URL)
        return JsonResponse(_documents[key])

    return openapi
