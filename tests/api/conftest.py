"""Fixtures for API tests: a site with articles, the OpenAPI document and a schema validator."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from tests.api.factories import ensure_tree_roots, make_shared, make_site


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty content cache (locmem is per process, shared by tests)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def site_content(db) -> dict[str, Any]:
    home, index = make_site()
    return {"home": home, "index": index, "shared": make_shared(index)}


@pytest.fixture
def demo_content(db) -> None:
    """`load_demo_content`, on a tree whose root rows a transactional test may have flushed."""
    ensure_tree_roots()
    call_command("load_demo_content", verbosity=0)


@pytest.fixture
def openapi(client) -> dict[str, Any]:
    response = client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    return response.json()


def walk(value: Any, path: str = "$") -> Iterator[tuple[str, Any]]:
    """Every (path, value) pair in a JSON document."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def text_of(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


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


@pytest.fixture
def validator(openapi) -> ResponseValidator:
    return ResponseValidator(openapi)


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
        errors = ResponseValidator(document).errors(schema, json.loads(response.content))
        assert errors == [], f"{method.upper()} {path} ({status}) does not match: {errors[:5]}"


@pytest.fixture
def client() -> ValidatingClient:
    return ValidatingClient()
