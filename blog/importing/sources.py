"""Which parser reads a source file, and reading it without letting one bad file stop a run."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .article import ParsedArticle
from .html import autop, read_page
from .normalise import decode
from .text import read_text
from .wxr import read_wxr

PAGE_MARKUP = re.compile(r"<(?:html|head|body)\b", re.IGNORECASE)
MAX_BYTES = 100 * 1024 * 1024
HTML_START = re.compile(
    rb"^\s*(?:<!doctype html|<html|<head|<body|<article|<div|<p[\s>]|<h[1-6])", re.I
)


@dataclass
class SourceResult:
    """One file's articles, the file's own problems and the items that are not posts."""

    path: Path
    kind: str
    articles: list[ParsedArticle] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    attachments: dict = field(default_factory=dict)
    origin: str = ""


def detect_kind(path: Path, head: bytes = b"") -> str:
    """'wxr', 'html' or 'text', from the content first and the file name second."""
    sample = head[:4096].lower()
    if b"<rss" in sample and b"wordpress.org/export" in sample:
        return "wxr"
    if path.suffix.lower() == ".xml":
        return "wxr"
    if path.suffix.lower() in {".html", ".htm", ".xhtml"} or HTML_START.match(head[:512]):
        return "html"
    return "text"


def is_binary(data: bytes) -> bool:
    """NUL bytes or many control characters, outside a UTF-16 text."""
    if data[:2] in {b"\xff\xfe", b"\xfe\xff"}:
        return False
    sample = data[:8192]
    controls = sum(1 for byte in sample if byte < 32 and byte not in b"\t\n\r\f")
    return b"\x00" in sample or controls > len(sample) // 20


def parse_path(path: Path | str, pages: bool = False) -> SourceResult:
    """One source file read into articles (and WordPress pages when `pages`)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            result = SourceResult(path, "unknown")
            result.errors.append(f"larger than {MAX_BYTES // 1024 // 1024} MB: not read")
            return result
        data = path.read_bytes()
    except OSError as exc:
        result = SourceResult(path, "unknown")
        result.errors.append(f"cannot be read ({exc.strerror or exc.__class__.__name__})")
        return result
    kind = detect_kind(path, data)
    result = SourceResult(path, kind)
    if is_binary(data):
        article = ParsedArticle(
            source=str(path), skip_reason="a binary file, not an article: refused", lost=True
        )
        result.articles.append(article)
        return result
    if kind == "wxr":
        wxr = read_wxr(data, str(path), pages=pages)
        result.articles, result.errors, result.ignored = wxr.articles, wxr.errors, wxr.ignored
        result.attachments = wxr.attachments
        result.origin = wxr.origin or path.name
        return result
    text, warnings = decode(data)
    if kind == "html":
        if not PAGE_MARKUP.search(text[:4096]):
            text = autop(text)
        article = read_page(text, str(path))
    else:
        article = read_text(text, str(path), stem=path.stem)
    for warning in warnings:
        article.warn(warning)
    article.kind = kind
    article.origin = urlsplit(article.source_url).netloc or "files"
    article.source_id = article.source_url or path.name
    if not article.title and not article.skip_reason:
        article.title = path.stem.replace("-", " ").replace("_", " ").strip().capitalize()
        article.warn("no title found: the file name was used")
    if not article.blocks and not article.skip_reason:
        article.skip_reason = "the body is empty: nothing to import"
    result.articles.append(article)
    return result
