"""--fetch-images: download the old site's images once each, within limits, and never from a
private address unless allowed.

Every downloaded file is recorded in `ImportedItem` (kind "image", keyed on its URL), so a run
that stopped half-way resumes where it was and a file referenced twice is fetched once.
"""

from __future__ import annotations

import hashlib
import io
import ipaddress
import socket
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

from blog.models import ImportedItem

TIMEOUT_SECONDS = 10
MAX_BYTES = 10 * 1024 * 1024
CONTENT_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}


class Refused(Exception):
    """A file that must not or could not be downloaded; the message says why."""


def public_address(host: str) -> bool:
    """True when every address `host` resolves to is a public one."""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise Refused(f"{host} cannot be resolved") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            return False
    return True


class CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an address the first request would have been allowed."""

    def __init__(self, fetcher: ImageFetcher) -> None:
        self.fetcher = fetcher

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        self.fetcher.check(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class ImageFetcher:
    """Downloads images for the importer; failures are kept for the report."""

    def __init__(
        self,
        *,
        allow_private: bool = False,
        timeout: float = TIMEOUT_SECONDS,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.allow_private = allow_private
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.done: dict[str, object] = {}
        self.failures: list[str] = []
        self.fetched = 0
        self.opener = urllib.request.build_opener(CheckedRedirects(self))

    @property
    def limit(self) -> str:
        megabytes = self.max_bytes / 1024 / 1024
        return f"{megabytes:g} MB" if megabytes >= 1 else f"{self.max_bytes} bytes"

    @staticmethod
    def key(url: str) -> str:
        return hashlib.sha256(url.encode()).hexdigest()

    def check(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise Refused(f"{url}: only http and https addresses are fetched")
        if not self.allow_private and not public_address(parts.hostname):
            raise Refused(
                f"{url}: a private or local address (use --allow-private to fetch from it)"
            )

    def get(self, url: str, alt: str = "", caption: str = ""):
        """The image for `url`: imported before, else downloaded now; None (reported) on failure."""
        if url in self.done:
            return self.done[url]
        record = (
            ImportedItem.objects.filter(source="images", kind="image", source_id=self.key(url))
            .select_related("image")
            .first()
        )
        image = record.image if record is not None else None
        if image is None:
            try:
                image = self.download(url, alt, caption)
            except Refused as exc:
                self.failures.append(str(exc))
                image = None
        self.done[url] = image
        return image

    def download(self, url: str, alt: str, caption: str):
        self.check(url)
        request = urllib.request.Request(url, headers={"User-Agent": "cms-importer/1"})  # noqa: S310
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                kind = response.headers.get_content_type()
                if kind not in CONTENT_TYPES:
                    raise Refused(f"{url}: not an image ({kind})")
                declared = int(response.headers.get("Content-Length") or 0)
                if declared > self.max_bytes:
                    raise Refused(f"{url}: larger than {self.limit}")
                data = response.read(self.max_bytes + 1)
        except urllib.error.HTTPError as exc:
            raise Refused(f"{url}: the server answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise Refused(f"{url}: could not be downloaded ({reason})") from exc
        if len(data) > self.max_bytes:
            raise Refused(f"{url}: larger than {self.limit}")
        Image = get_image_model()
        digest = hash_filelike(io.BytesIO(data))
        image = Image.objects.filter(file_hash=digest).first()
        if image is None:
            name = Path(unquote(urlsplit(url).path)).name or f"image.{EXTENSIONS[kind]}"
            image = Image(
                title=(alt or Path(name).stem)[:255],
                description=(alt or caption)[:255],
                file=ImageFile(io.BytesIO(data), name=name),
            )
            try:
                image._set_image_file_metadata()
                image.save()
            except Exception as exc:
                raise Refused(f"{url}: not a readable image ({exc.__class__.__name__})") from exc
        ImportedItem.objects.update_or_create(
            source="images",
            kind="image",
            source_id=self.key(url),
            defaults={"image": image, "url": url},
        )
        self.fetched += 1
        return image
