"""The OpenAPI document: complete, valid, and honest (schemathesis against a live server)."""

from __future__ import annotations

import json
from collections import defaultdict

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable

from blog.models import BlogPage
from home.models import HomePage
from tests.api.factories import ensure_tree_roots

pytestmark = pytest.mark.django_db


def test_document_lists_every_endpoint_and_the_lead_intake(openapi):
    assert openapi["openapi"] == "3.1.0"
    paths = openapi["paths"]
    for name in ("pages", "images", "documents", "authors", "ctas", "categories"):
        assert f"/api/v2/{name}/" in paths
        assert f"/api/v2/{name}/{{id}}/" in paths
    assert "/api/v2/practice/" in paths
    intake = paths["/api/v2/leads/"]["post"]
    request = openapi["components"]["schemas"]["LeadRequest"]
    assert {"name", "email", "consent"} <= set(request["required"])
    assert request["properties"]["message"]["maxLength"] == 1000
    # `false` is refused with 400 (tests/leads/test_bad_input.py), so the schema allows only true.
    assert request["properties"]["consent"]["const"] is True
    assert {"201", "400", "429"} <= set(intake["responses"])
    page_params = {param["name"] for param in paths["/api/v2/pages/"]["get"]["parameters"]}
    assert {
        "type",
        "child_of",
        "descendant_of",
        "tag",
        "category",
        "author",
        "search",
        "order",
        "limit",
        "offset",
        "fields",
    } <= page_params
    find_params = {p["name"] for p in paths["/api/v2/pages/find/"]["get"]["parameters"]}
    assert "html_path" in find_params


def test_every_object_shape_is_written_once_and_referenced(openapi):
    """A shape used in several places (SEO, JSON-LD, a listing's meta, a card, a button, a block's
    stream item) is one component that the others `$ref`: a generated client then has one type
    for it, not one per place. Components count too: a copy of one is a second occurrence."""
    places: dict[str, list[str]] = defaultdict(list)

    def visit(value, path: str) -> None:
        if isinstance(value, dict):
            if "properties" in value:
                places[json.dumps(value, sort_keys=True)].append(path)
            for key, item in value.items():
                visit(item, f"{path}/{key}")
        elif isinstance(value, list):
            for index, item in enumerate(value):
                visit(item, f"{path}/{index}")

    for name, schema in openapi["components"]["schemas"].items():
        visit(schema, f"#/components/schemas/{name}")
    visit(openapi["paths"], "#/paths")
    copied = {shape[:120]: found for shape, found in places.items() if len(found) > 1}
    assert copied == {}


def resolve(openapi, schema: dict) -> dict:
    """The schema a `$ref` points at (followed until it is not a reference)."""
    while "$ref" in schema:
        schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


@pytest.mark.parametrize("model", [BlogPage, HomePage])
def test_every_block_type_has_a_documented_value(openapi, model):
    schema = openapi["components"]["schemas"][model.__name__]
    branches = resolve(openapi, schema["properties"]["body"])["items"]["oneOf"]
    documented = {
        resolve(openapi, branch)["title"]: resolve(openapi, branch) for branch in branches
    }
    assert set(documented) == set(model.body.field.stream_block.child_blocks)
    for name, branch in documented.items():
        assert branch["properties"]["type"] == {"const": name}
        value = resolve(openapi, branch["properties"]["value"])
        assert value.get("type") or value.get("oneOf") or value.get("anyOf"), name


def test_blog_page_fields_are_documented(openapi):
    properties = openapi["components"]["schemas"]["BlogPage"]["properties"]
    for field in (
        "title",
        "summary",
        "hero_image",
        "body",
        "authors",
        "categories",
        "tags",
        "date_published",
        "reading_minutes",
        "related_articles",
        "seo",
        "jsonld",
    ):
        assert field in properties, field
    author = resolve(openapi, properties["authors"]["items"])
    assert {"license", "headshot", "short_bio", "credentials"} <= set(author["properties"])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("mode", ["positive", "negative"])
def test_schemathesis_finds_no_failure(live_server, mode):
    """Every operation, generated data that fits the schema and data that does not."""
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi.checks import (
        negative_data_rejection,
        positive_data_acceptance,
    )

    ensure_tree_roots()
    call_command("load_demo_content", verbosity=0)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v2/openapi.json")
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @given(case=operation.as_strategy(generation_mode=GenerationMode(mode)))
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            # A schema-valid value that names nothing (an unknown field, a type that does not
            # exist) is a 400 by design, so schemathesis's "positive data accepted" is not run.
            excluded = [positive_data_acceptance]
            if case.method == "POST":
                # An oversized body is refused with 413, which schemathesis does not count as
                # a rejection; the same rule (no 2xx for invalid data) is asserted below.
                excluded.append(negative_data_rejection)
            response = case.call_and_validate(base_url=live_server.url, excluded_checks=excluded)
            if case.method == "POST" and mode == "negative":
                assert 400 <= response.status_code < 500, response.text[:300]

        try:
            check()
        except Unsatisfiable:
            assert mode == "negative"  # no parameter to get wrong (ping, practice)
        except BaseException as exc:  # report every failing operation, not only the first
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            failures[operation.label] = f"{type(exc).__name__}: {exc}"[:2000]
    assert operations >= 20
    assert failures == {}, "\n\n".join(f"{k}\n{v}" for k, v in failures.items())
