"""Fixtures for API tests: a site with articles, the OpenAPI document and a schema validator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from django.core.cache import cache
from django.core.management import call_command

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

    def errors(self, schema: dict[str, Any], data: Any) -> list[str]:
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
