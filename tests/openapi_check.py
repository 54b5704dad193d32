"""Every `/api/v2/` answer a test client sees is checked against the OpenAPI document.

`ValidatingClient` is the `client` fixture of the whole suite (tests/conftest.py), so API answers
met by lead, insights, home, blog or serving tests are held to the schema too: a documented
status, and a body that matches it (`additionalProperties: false` where the shape is closed),
decompressed first when the answer came gzip- or brotli-encoded.
"""

from __future__ import annotations

import gzip
import json
import re
from typing import Any

import brotli
import jsonschema_rs
from django.test import Client


class ResponseValidator:
    """Checks a response body against a schema of the OpenAPI document."""

    def __init__(self, document: dict[str, Any]):
        self.document = document

    def resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            schema = self.document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def branch(self, schema: dict[str, Any], data: Any) -> dict[str, Any]:
        """For a discriminated union, the branch `data` names (so errors point inside it)."""
        union = self.resolve(schema)
        discriminator = union.get("discriminator")
        if discriminator and isinstance(data, dict):
            target = discriminator["mapping"].get(data.get(discriminator["propertyName"]))
            if target:
                return {"$ref": target}
        return schema

    def errors(self, schema: dict[str, Any], data: Any) -> list[str]:
        schema = self.branch(schema, data)
        resolved = self.resolve(schema)
        if isinstance(data, dict) and isinstance(data.get("items"), list):
            items = resolved.get("properties", {}).get("items", {}).get("items")
            if items and "discriminator" in self.resolve(items):
                found = []
                for index, item in enumerate(data["items"]):
                    found += [f"items[{index}]{e}" for e in self.errors(items, item)]
                if found:
                    return found
        root = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.document["components"],
            **schema,
        }
        validator = jsonschema_rs.validator_for(root)
        return [f"{error.instance_path}: {error.message}" for error in validator.iter_errors(data)]

    def operation_schema(self, path: str, status: str = "200") -> dict[str, Any]:
        operation = self.document["paths"][path]["get"]
        return operation["responses"][status]["content"]["application/json"]["schema"]


def _document() -> dict[str, Any]:
    from cms.api import api_router
    from cms.headless.openapi import build_openapi

    return build_openapi(api_router)


class ValidatingClient(Client):
    """A test client that checks every `/api/v2/` answer against the OpenAPI document: its
    status must be documented for the operation, and its JSON body must match the schema."""

    document: dict[str, Any] | None = None

    def request(self, **request):
        response = super().request(**request)
        path = request.get("PATH_INFO", "")
        method = request["REQUEST_METHOD"]
        if method in {"OPTIONS", "HEAD"}:
            return response  # a CORS preflight, or a GET without its body
        if path.startswith("/api/v2/") and path != "/api/v2/openapi.json":
            self.check(request["REQUEST_METHOD"].lower(), path, response)
        return response

    def check(self, method: str, path: str, response) -> None:
        if ValidatingClient.document is None:
            ValidatingClient.document = _document()
        document = ValidatingClient.document
        operation = None
        # Literal paths first: `pages/find/` is not `pages/{id}/`.
        for template, item in sorted(document["paths"].items(), key=lambda kv: "{" in kv[0]):
            pattern = "^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(template)) + "$"
            if re.match(pattern, path) and method in item:
                operation = item[method]
                break
        if operation is None:
            if response.status_code in {404, 405}:
                return  # no such operation: the JSON 404/405 of the API
            raise AssertionError(f"{method.upper()} {path} is not in the OpenAPI document")
        status = str(response.status_code)
        assert status in operation["responses"], (
            f"{method.upper()} {path} answered {status}, not documented"
        )
        content = operation["responses"][status].get("content", {})
        if "application/json" not in content:
            return
        schema = content["application/json"]["schema"]
        errors = ResponseValidator(document).errors(schema, json.loads(body(response)))
        assert errors == [], f"{method.upper()} {path} ({status}) does not match: {errors[:5]}"


def body(response) -> bytes:
    """The response's body as sent before any Content-Encoding."""
    encoding = response.get("Content-Encoding", "")
    if encoding == "gzip":
        return gzip.decompress(response.content)
    if encoding == "br":
        return brotli.decompress(response.content)
    assert not encoding, f"unexpected Content-Encoding {encoding!r}"
    return response.content
