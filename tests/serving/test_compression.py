"""Over HTTP, from gunicorn: pages and API JSON come compressed (gzip, brotli) with Vary and a
validator that still answers 304; cached responses keep every security header; the site sends a
Permissions-Policy and a favicon.
"""

from __future__ import annotations

import gzip
from http.client import HTTPConnection

import brotli
import pytest
from django.core.management import call_command

from cms.serving import compression
from tests.api.factories import ensure_tree_roots

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ARTICLE = "/blog/after-the-discovery/"
LISTING = "/api/v2/pages/?type=blog.BlogPage&fields=*"
SECURITY_HEADERS = (
    "Content-Security-Policy",
    "X-Frame-Options",
    "X-Content-Type-Options",
    "Referrer-Policy",
    "Cross-Origin-Opener-Policy",
    "Permissions-Policy",
)


def get(server, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    port = int(server.url.rsplit(":", 1)[1])
    connection = HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def hit(server, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    """The response from the content cache: the first requests make image renditions and store
    image details (a new content version), and a cache call slower than
    CACHE_TIMEOUT_SECONDS on a busy machine is a miss, so this asks a few times."""
    for _ in range(6):
        response = get(server, path, **headers)
        if response[1].get("X-Cache") == "hit":
            return response
    pytest.fail(f"{path} never came from the content cache")


def vary(headers: dict[str, str]) -> set[str]:
    return {value.strip().lower() for value in headers.get("Vary", "").split(",")}


@pytest.fixture
def server(transactional_db, start_web):
    ensure_tree_roots()
    call_command("load_demo_content", verbosity=0)
    return start_web()


def test_gzip_and_brotli_with_vary_and_a_validator_that_still_answers_304(server):
    for path in (ARTICLE, LISTING):
        check_compressed_and_revalidated(server, path)


def check_compressed_and_revalidated(server, path: str) -> None:
    status, plain_headers, plain = hit(server, path)
    assert status == 200 and "Content-Encoding" not in plain_headers
    assert "accept-encoding" in vary(plain_headers)

    for encoding, decompress in (("gzip", gzip.decompress), ("br", brotli.decompress)):
        accept = {"Accept-Encoding": f"{encoding}, *;q=0"}
        for status, headers, body in (get(server, path, **accept), hit(server, path, **accept)):
            assert status == 200
            assert headers["Content-Encoding"] == encoding
            assert "accept-encoding" in vary(headers)
            assert decompress(body) == plain
            assert len(body) < len(plain) / 3
            assert int(headers["Content-Length"]) == len(body)
        # The compressed body's validator is the plain one, marked weak; both revalidate.
        assert headers["ETag"] == "W/" + plain_headers["ETag"]
        for etag in (headers["ETag"], plain_headers["ETag"]):
            status, not_modified, body = get(
                server, path, **{"Accept-Encoding": encoding, "If-None-Match": etag}
            )
            assert (status, body) == (304, b"")
            assert not_modified["ETag"] == headers["ETag"]
            assert "accept-encoding" in vary(not_modified)

    refused = get(server, path, **{"Accept-Encoding": "gzip;q=0, br;q=0"})
    assert "Content-Encoding" not in refused[1] and refused[2] == plain


def test_security_headers_on_cache_hits_uncached_pages_compressed_and_a_favicon(server):
    """One server for three small checks (each server start loads the demo content)."""
    status, headers, _ = hit(server, ARTICLE)
    assert status == 200
    assert [name for name in SECURITY_HEADERS if name not in headers] == []
    assert headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in headers["Permissions-Policy"]
    assert "geolocation=()" in headers["Permissions-Policy"]

    status, headers, body = get(server, "/consultation/", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip"
    assert b"Send my request" in gzip.decompress(body)
    assert "accept-encoding" in vary(headers)

    status, headers, body = get(server, "/favicon.ico")
    assert status == 200
    assert headers["Content-Type"] == "image/vnd.microsoft.icon"
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = get(server, "/")[2].decode()
    assert '<link rel="icon" href="/static/favicon.ico"' in page


@pytest.mark.django_db
def test_a_cached_page_is_compressed_once_not_on_every_hit(client, monkeypatch):
    from cms.serving import cache as content_cache
    from tests.blog.factories import make_article, make_index, make_site

    article = make_article(make_index(make_site()), body=[("paragraph", "<p>Hello.</p>" * 50)])
    made = []

    def encode(body: bytes) -> dict[str, bytes]:
        made.append(len(body))
        return compression.encode(body)

    monkeypatch.setattr(content_cache, "encode", encode)
    bodies = []
    for _ in range(4):
        response = client.get(article.url, HTTP_ACCEPT_ENCODING="gzip, br")
        assert response["Content-Encoding"] == "br"
        bodies.append((response["X-Cache"], response.content))
    assert [x_cache for x_cache, _ in bodies] == ["miss", "hit", "hit", "hit"]
    assert len(made) == 1  # compressed when stored; each hit sends the stored bytes
    assert len({body for _, body in bodies}) == 1
