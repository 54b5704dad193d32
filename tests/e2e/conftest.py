"""The production-like environment shared by the tests that run the production processes."""

from __future__ import annotations

import pytest

from tests import services
from tests.leads.notify_support import default_site


@pytest.fixture
def production_env(
    transactional_db, test_database_url, redis_server, smtp_sink, tmp_path
) -> dict[str, str]:
    """Production settings against the test database, a private Redis and an SMTP sink, with
    short relay timings; PORT is a free port for gunicorn."""
    default_site()
    return services.production_env(
        test_database_url, redis_server.url, smtp_sink.url, tmp_path, services.free_port()
    )
