from collections.abc import Iterator

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Each test starts with an empty cache (Wagtail keeps site root paths there)."""
    cache.clear()
    yield
    cache.clear()
