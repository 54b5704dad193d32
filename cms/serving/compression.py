"""Response compression (brotli, gzip) for HTML, JSON and other text, chosen by Accept-Encoding.

Pages and API responses from the content cache (cms/serving/cache.py) are compressed once, when
the entry is stored, and each encoding is kept with the entry; a hit only picks one. Everything
else that is text (the form page, errors, feeds) is compressed on the way out by
`CompressionMiddleware`. Static files are compressed ahead of time by whitenoise.

A compressed body gets `Vary: Accept-Encoding` and a weak ETag (the same validator as the
identity body, marked weak as Django's GZipMiddleware does), so a conditional GET still matches
whichever encoding the client holds.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping
from functools import lru_cache

import brotli
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

#: Smaller bodies are not worth a compressed copy (headers would cost more than the saving).
MIN_LENGTH = 200
COMPRESSIBLE_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/vnd.oai.openapi",
    "image/svg+xml",
)
#: Preferred first when the client accepts both.
ENCODINGS = ("br", "gzip")
#: Per response on the way out; a cached entry, compressed once, gets the stronger level.
BROTLI_QUALITY = 5
BROTLI_QUALITY_CACHED = 9


def compressible(content_type: str, body: bytes) -> bool:
    return len(body) >= MIN_LENGTH and content_type.lower().startswith(COMPRESSIBLE_TYPES)


def encode(body: bytes) -> dict[str, bytes]:
    """The body in every encoding this server offers, made once for a cached entry (shared
    entries never carry a per-visitor secret, so no BREACH padding is needed)."""
    return {
        "br": brotli.compress(body, quality=BROTLI_QUALITY_CACHED),
        "gzip": gzip.compress(body, compresslevel=9, mtime=0),
    }


def accepted_encoding(request: HttpRequest, offered: tuple[str, ...] = ENCODINGS) -> str | None:
    """The best of `offered` that the request's Accept-Encoding allows (q=0 refuses)."""
    header = request.META.get("HTTP_ACCEPT_ENCODING", "")
    if not header:
        return None
    if len(header) > 512:
        return _best_encoding.__wrapped__(header, offered)  # not worth keeping
    return _best_encoding(header, offered)


@lru_cache(maxsize=512)
def _best_encoding(header: str, offered: tuple[str, ...]) -> str | None:
    """Parsed once per distinct header (browsers send a handful of values)."""
    weights: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        weight = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                weight = float(params[2:])
            except ValueError:
                weight = 0.0
        weights[name.strip().lower()] = weight
    for encoding in offered:
        weight = weights.get(encoding, weights.get("*", 0.0))
        if weight > 0:
            return encoding
    return None


def weak_etag(response: HttpResponse) -> None:
    etag = response.get("ETag")
    if etag and etag.startswith('"'):
        response["ETag"] = "W/" + etag


def apply_encoding(
    request: HttpRequest, response: HttpResponse, encoded: Mapping[str, bytes]
) -> HttpResponse:
    """Send one of the ready-made encodings of the response's body, when the client takes one."""
    if "Accept-Encoding" not in response.get("Vary", ""):
        patch_vary_headers(response, ["Accept-Encoding"])
    encoding = accepted_encoding(request, tuple(name for name in ENCODINGS if name in encoded))
    if encoding is None:
        return response
    response.content = encoded[encoding]
    response["Content-Encoding"] = encoding
    response["Content-Length"] = str(len(response.content))
    weak_etag(response)
    return response


def compress_response(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Compress a text response that is not compressed already, as the client accepts."""
    if response.status_code == 304 and response.has_header("ETag"):
        # The validator of a body that is sent compressed: the same Vary and ETag as it.
        patch_vary_headers(response, ["Accept-Encoding"])
        if accepted_encoding(request):
            weak_etag(response)
        return response
    if (
        response.streaming
        or response.has_header("Content-Encoding")
        or response.status_code == 204
        or not compressible(response.get("Content-Type", ""), response.content)
    ):
        return response
    patch_vary_headers(response, ["Accept-Encoding"])
    encoding = accepted_encoding(request)
    if encoding is None:
        return response
    body = response.content
    compressed = (
        brotli.compress(body, quality=BROTLI_QUALITY)
        if encoding == "br"
        # Random filename padding in the gzip header: Django's BREACH mitigation.
        else compress_string(body, max_random_bytes=100)
    )
    if len(compressed) >= len(body):
        return response
    response.content = compressed
    response["Content-Encoding"] = encoding
    response["Content-Length"] = str(len(compressed))
    weak_etag(response)
    return response


class CompressionMiddleware:
    """Compress text responses that are not compressed already (brotli or gzip).

    A request the content cache handles (`request.content_cache_compresses`) is left alone: the
    cache, at the top of the stack, stores the plain body and compresses on the way out itself.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "content_cache_compresses", False):
            return response
        return compress_response(request, response)
