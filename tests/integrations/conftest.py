"""Integrations tests use the API tests' client: every /api/v2/ answer is checked against the
OpenAPI document (documented status, matching body)."""

from tests.api.conftest import client  # noqa: F401 (a fixture, used by name)
