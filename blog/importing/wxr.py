"""WordPress export files (WXR): one `ParsedArticle` per post, whatever state the others are in.

Parsing never expands entities and refuses any DTD (defusedxml). A file that is not well-formed
is read again item by item, so one broken post costs only that post.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import unquote
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from .article import ParsedArticle, ParsedAuthor
from .html import read_body
from .normalise import clean, decode, make_slug, truncate
from .richtext import plain

ITEM = re.compile(rb"<item[\s>].*?</item>", re.DOTALL)
RSS_OPEN = re.compile(rb"<rss\b[^>]*>", re.DOTALL)
SUMMARY_META = ("_yoast_wpseo_metadesc", "_aioseop_description", "rank_math_description")
SKIP_STATUSES = {
    "trash": "in the WordPress trash",
    "auto-draft": "an automatic draft WordPress made, never written",
    "inherit": "a revision, not a post",
}
ARTICLE_TYPES = {"post"}


@dataclass
class Attachment:
    """A media item of the export: its file, alt text and caption, and its old addresses."""

    post_id: str
    url: str
    link: str = ""
    title: str = ""
    alt: str = ""
    caption: str = ""


@dataclass
class WxrResult:
    """The posts of one export, the problems of the file itself and what was not a post."""

    articles: list[ParsedArticle] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    ignored: Counter = field(default_factory=Counter)
    attachments: dict[str, Attachment] = field(default_factory=dict)
    origin: str = ""


def local(tag: str) -> tuple[str, str]:
    """'{http://wordpress.org/export/1.2/}status' -> ('wp', 'status')."""
    if not tag.startswith("{"):
        return "", tag
    uri, name = tag[1:].split("}", 1)
    if "wordpress.org/export" in uri:
        return ("excerpt" if "excerpt" in uri else "wp"), name
    if "purl.org/rss/1.0/modules/content" in uri:
        return "content", name
    if "purl.org/dc/elements" in uri:
        return "dc", name
    return uri, name


def fields(element: Element) -> dict[str, list[Element]]:
    found: dict[str, list[Element]] = {}
    for child in element:
        prefix, name = local(child.tag)
        found.setdefault(f"{prefix}:{name}" if prefix else name, []).append(child)
    return found


def text_of(found: dict[str, list[Element]], key: str) -> str:
    elements = found.get(key)
    return (elements[0].text or "") if elements else ""


def parse_wxr_date(found: dict[str, list[Element]]) -> datetime | None:
    gmt = clean(text_of(found, "wp:post_date_gmt"))
    if gmt and not gmt.startswith("0000"):
        try:
            return datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
        except ValueError:
            pass
    local_date = clean(text_of(found, "wp:post_date"))
    if local_date and not local_date.startswith("0000"):
        try:
            return datetime.strptime(local_date, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            pass
    pub = clean(text_of(found, "pubDate"))
    if pub:
        try:
            return parsedate_to_datetime(pub)
        except (TypeError, ValueError):
            return None
    return None


def channel_authors(channel: Element) -> dict[str, ParsedAuthor]:
    authors = {}
    for element in channel:
        if local(element.tag) != ("wp", "author"):
            continue
        found = fields(element)
        login = clean(text_of(found, "wp:author_login"))
        name = clean(text_of(found, "wp:author_display_name")) or " ".join(
            part
            for part in (
                clean(text_of(found, "wp:author_first_name")),
                clean(text_of(found, "wp:author_last_name")),
            )
            if part
        )
        if login:
            authors[login] = ParsedAuthor(name=name or login, login=login)
    return authors


def read_item(
    item: Element,
    source: str,
    base_url: str,
    authors: dict[str, ParsedAuthor],
    number: int,
    attachments: dict[str, Attachment] | None = None,
    types: set[str] | frozenset[str] = frozenset(ARTICLE_TYPES),
) -> ParsedArticle | str:
    """One <item>: an article, or the post type when it is not an article (attachment, page)."""
    found = fields(item)
    post_type = clean(text_of(found, "wp:post_type")) or "post"
    if post_type not in types:
        return post_type
    article = ParsedArticle(source=f"{source} item {number}", kind=post_type)
    article.title = plain(text_of(found, "title"))
    article.source_url = clean(text_of(found, "link"))
    article.guid = clean(text_of(found, "guid"))
    article.origin = base_url or source.replace("\\", "/").rsplit("/", 1)[-1]
    status = clean(text_of(found, "wp:status"))
    if not status:
        status = "draft"
        article.warn("the item has no status: imported as a draft")
    article.status = status
    article.slug = make_slug(unquote(clean(text_of(found, "wp:post_name"))))
    article.published_at = parse_wxr_date(found)
    post_id = clean(text_of(found, "wp:post_id"))
    article.source_id = post_id or article.guid or article.source_url or f"item {number}"
    article.parent_id = clean(text_of(found, "wp:post_parent")).lstrip("0")
    try:
        article.menu_order = int(clean(text_of(found, "wp:menu_order")) or 0)
    except ValueError:
        article.menu_order = 0
    if not article.title:
        article.title = f"Untitled {post_type} {post_id or number}"
        article.warn(f"the {post_type} has no title: it was given a placeholder title")
    if article.status in SKIP_STATUSES:
        article.skip_reason = SKIP_STATUSES[article.status]
        return article
    if clean(text_of(found, "wp:post_password")):
        article.protected = True
        article.warn("password-protected in WordPress: imported unpublished, its password not kept")
    for category in found.get("category", []):
        name = plain(category.text or "")
        domain = category.get("domain", "category")
        if not name:
            continue
        if domain == "category" and name not in article.categories and name != "Uncategorized":
            article.categories.append(name)
        elif domain == "post_tag" and name not in article.tags:
            article.tags.append(name)
    login = clean(text_of(found, "dc:creator"))
    if login:
        article.author = authors.get(login) or ParsedAuthor(name=login, login=login)
    for meta in found.get("wp:postmeta", []):
        meta_fields = fields(meta)
        key = clean(text_of(meta_fields, "wp:meta_key"))
        if key in SUMMARY_META:
            article.summary = truncate(plain(text_of(meta_fields, "wp:meta_value")), 300)
        elif key == "_thumbnail_id":
            hero = (attachments or {}).get(clean(text_of(meta_fields, "wp:meta_value")))
            if hero is not None:
                article.hero_src, article.hero_alt = hero.url, hero.alt
    excerpt = plain(text_of(found, "excerpt:encoded"))
    article.summary = article.summary or truncate(excerpt, 300)
    body = text_of(found, "content:encoded")
    if not body.strip():
        article.skip_reason = "the body is empty: nothing to import"
        return article
    try:  # one unreadable body must not stop the file
        read_body(body, article, base_url or article.source_url, attachments or {})
    except Exception as exc:
        article.skip_reason = f"the body could not be read ({exc.__class__.__name__})"
        article.lost = True
    if not article.blocks and not article.skip_reason:
        article.skip_reason = "the body has no readable content"
    return article


def read_wxr(data: bytes, source: str, pages: bool = False) -> WxrResult:
    """Every post (and page, when asked) of an export; the file's own problems go to `errors`."""
    result = WxrResult()
    types = ARTICLE_TYPES | ({"page"} if pages else set())
    text, warnings = decode(data)
    result.errors.extend(warnings)
    payload = text.encode("utf-8")
    payload = re.sub(rb"^<\?xml[^>]*\?>", b"", payload.lstrip())
    try:
        root = fromstring(payload, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        result.errors.append(
            f"refused: the file declares a DTD or entities ({exc.__class__.__name__})"
        )
        return result
    except ParseError as exc:
        result.errors.append(f"not well-formed XML ({exc}): reading the posts one by one")
        read_items_one_by_one(payload, source, result, types)
        return result
    channel = root.find("channel")
    if channel is None:
        result.errors.append("not a WordPress export: no <channel> element")
        return result
    base_url = clean(text_of(fields(channel), "link"))
    result.origin = base_url
    authors = channel_authors(channel)
    files = attachments(channel)
    result.attachments = files
    for number, item in enumerate(channel.iter("item"), start=1):
        collect(result, read_item(item, source, base_url, authors, number, files, types))
    return result


def attachments(channel: Element) -> dict[str, Attachment]:
    """Attachment post id -> its file, alt text and caption (featured images, galleries)."""
    found = {}
    for item in channel.iter("item"):
        item_fields = fields(item)
        if clean(text_of(item_fields, "wp:post_type")) != "attachment":
            continue
        url = clean(text_of(item_fields, "wp:attachment_url")) or clean(
            text_of(item_fields, "guid")
        )
        alt = ""
        for meta in item_fields.get("wp:postmeta", []):
            meta_fields = fields(meta)
            if clean(text_of(meta_fields, "wp:meta_key")) == "_wp_attachment_image_alt":
                alt = clean(text_of(meta_fields, "wp:meta_value"))
        post_id = clean(text_of(item_fields, "wp:post_id"))
        found[post_id] = Attachment(
            post_id=post_id,
            url=url,
            link=clean(text_of(item_fields, "link")),
            title=plain(text_of(item_fields, "title")),
            alt=alt,
            caption=plain(text_of(item_fields, "excerpt:encoded")),
        )
    return found


def collect(result: WxrResult, item: ParsedArticle | str) -> None:
    if isinstance(item, str):
        result.ignored[item] += 1
    else:
        result.articles.append(item)


def read_items_one_by_one(payload: bytes, source: str, result: WxrResult, types: set[str]) -> None:
    opening = RSS_OPEN.search(payload)
    wrapper = opening.group(0) if opening else b"<rss>"
    header = payload[: payload.find(b"<item")] if b"<item" in payload else b""
    authors: dict[str, ParsedAuthor] = {}
    base_url = ""
    try:
        channel = fromstring(
            wrapper + header.split(wrapper, 1)[-1] + b"</channel></rss>", forbid_dtd=True
        ).find("channel")
        if channel is not None:
            authors = channel_authors(channel)
            # The site's address keeps the items' identity the same as in a well-formed file.
            base_url = clean(text_of(fields(channel), "link"))
            result.origin = base_url
    except (ParseError, DefusedXmlException):
        pass
    for number, match in enumerate(ITEM.finditer(payload), start=1):
        try:
            item = fromstring(wrapper + match.group(0) + b"</rss>", forbid_dtd=True)
        except (ParseError, DefusedXmlException) as exc:
            broken = ParsedArticle(source=f"{source} item {number}")
            title = re.search(rb"<title>(.*?)</title>", match.group(0), re.DOTALL)
            raw_title = title.group(1).decode("utf-8", "replace") if title else ""
            broken.title = clean(raw_title.replace("<![CDATA[", "").replace("]]>", ""))
            broken.skip_reason = f"the item is not well-formed XML ({exc})"
            broken.lost = True
            result.articles.append(broken)
            continue
        element = item.find("item") if item.tag != "item" else item
        if element is not None:
            collect(result, read_item(element, source, base_url, authors, number, None, types))
