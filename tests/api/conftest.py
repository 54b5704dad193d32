"""Fixtures for API tests: a site with articles, the OpenAPI document and a schema validator."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.api.factories import ensure_tree_roots, make_shared, make_site
from tests.openapi_check import ResponseValidator


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


@pytest.fixture
def validator(openapi) -> ResponseValidator:
    return ResponseValidator(openapi)
