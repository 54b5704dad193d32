"""Inline rich text in Wagtail's stored form, built from parsed HTML or plain text."""

from __future__ import annotations

import re
from html import escape, unescape
from urllib.parse import urljoin, urlsplit

from bs4 import NavigableString, Tag
from bs4.element import Comment

from .normalise import SPACES, clean

BOLD = {"b", "strong"}
ITALIC = {"i", "em", "cite", "dfn"}
# Inline formatting kept as rich text features (superscript, subscript, strikethrough, code).
KEPT_INLINE = {"sup": "sup", "sub": "sub", "s": "s", "del": "s", "strike": "s", "code": "code"}
DROP = {"script", "style", "noscript", "template", "svg", "button", "input", "select", "textarea"}
BLOCK_TAG = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|blockquote|tr|td|th|figure)\b[^>]*>", re.I)
BARE_URL = re.compile(r"\bhttps?://[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]]")
SAFE_SCHEMES = {"", "http", "https", "mailto", "tel"}


class LinkRewriter:
    """Makes links on the old site's host relative, so they resolve through the redirects."""

    def __init__(self, base_url: str = "") -> None:
        self.base_url = base_url
        self.old_hosts = {urlsplit(base_url).netloc.lower()} - {""}

    def __call__(self, href: str) -> str:
        href = clean(href)
        if not href or href.startswith("#"):
            return ""
        parts = urlsplit(href)
        if parts.scheme.lower() not in SAFE_SCHEMES:
            return ""
        if parts.netloc.lower() in self.old_hosts or (
            parts.netloc.lower().removeprefix("www.")
            in {h.removeprefix("www.") for h in self.old_hosts}
        ):
            return parts._replace(scheme="", netloc="").geturl() or "/"
        if not parts.scheme and not parts.netloc and self.base_url and not href.startswith("/"):
            return urlsplit(urljoin(self.base_url, href))._replace(scheme="", netloc="").geturl()
        return href


def inline(node: Tag, links: LinkRewriter) -> str:
    """The children of `node` as inline rich text: text, <b>, <i>, <a href>, <br/>."""
    return inline_nodes(node.children, links)


def inline_nodes(nodes, links: LinkRewriter) -> str:
    out: list[str] = []
    for child in nodes:
        if isinstance(child, Comment):
            continue
        if isinstance(child, NavigableString):
            out.append(escape(SPACES.sub(" ", str(child).replace("\n", " ")), quote=False))
            continue
        if not isinstance(child, Tag) or child.name in DROP:
            continue
        inner = inline(child, links)
        if child.name == "br":
            out.append("<br/>")
        elif not inner.strip():
            out.append(" " if inner else "")
        elif child.name in BOLD:
            out.append(wrap("b", inner))
        elif child.name in ITALIC:
            out.append(wrap("i", inner))
        elif child.name in KEPT_INLINE:
            out.append(wrap(KEPT_INLINE[child.name], inner))
        elif child.name == "a":
            href = links(child.get("href", ""))
            out.append(f'<a href="{escape(href)}">{inner}</a>' if href else inner)
        else:
            out.append(inner)
    return "".join(out)


def wrap(tag: str, inner: str) -> str:
    """<b> x </b> -> ' <b>x</b> ': spaces stay outside the formatting."""
    stripped = inner.strip()
    lead = " " if inner[:1].isspace() else ""
    trail = " " if inner[-1:].isspace() else ""
    return f"{lead}<{tag}>{stripped}</{tag}>{trail}"


def tidy(fragment: str) -> str:
    """Collapse spaces and drop leading/trailing breaks of an inline fragment."""
    fragment = re.sub(r" *<br/> *", "<br/>", re.sub(r" {2,}", " ", fragment))
    fragment = re.sub(r"^(?:\s|<br/>)+|(?:\s|<br/>)+$", "", fragment)
    return re.sub(r"</b>\s*<b>|</i>\s*<i>", " ", fragment)


def paragraph(fragment: str) -> str:
    fragment = tidy(fragment)
    return f"<p>{fragment}</p>" if fragment else ""


def text_to_inline(text: str) -> str:
    """Plain text as inline rich text (escaped, bare web addresses made into links)."""
    escaped = escape(clean(text), quote=False)
    return BARE_URL.sub(lambda m: f'<a href="{escape(m.group(0))}">{m.group(0)}</a>', escaped)


def plain(html_fragment: str) -> str:
    """Text of an HTML fragment: block tags become spaces, inline tags vanish."""
    spaced = BLOCK_TAG.sub(" ", html_fragment)
    return clean(unescape(re.sub(r"<[^>]+>", "", spaced)))
