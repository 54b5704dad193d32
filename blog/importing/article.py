"""The importer's intermediate form of one article, independent of the page models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Intermediate block dicts, by "type":
#   heading     {"text", "level": 2 | 3}
#   paragraph   {"html"}  rich text in Wagtail's stored form (<p>, <ul>, <ol>, <b>, <i>, <a>)
#   key_points  {"items": [{"term", "html"}]}  html is inline rich text, term may be ""
#   steps       {"items": [{"title", "html"}]}
#   image       {"src", "alt", "caption"}
#   quote       {"text", "who", "source"}
#   cta         {"heading", "text", "label", "url", "action": "phone" | "booking" | "link"}
#   embed       {"url"}
#   table       {"caption", "header": bool, "rows": [[cell text]]}
#   code        {"text"}
#   gallery     {"images": [{"src", "alt", "caption"}]}
#   heading levels 2, 3 or 4
BLOCK_TYPES = (
    "heading",
    "paragraph",
    "key_points",
    "steps",
    "image",
    "quote",
    "cta",
    "embed",
    "table",
    "code",
    "gallery",
)


@dataclass
class ParsedAuthor:
    """An author box as found in the source: name, credentials, license and bio."""

    name: str
    honorific: str = ""
    credentials: list[str] = field(default_factory=list)
    license_type: str = ""
    license_number: str = ""
    license_state: str = ""
    short_bio: str = ""
    long_bio: list[str] = field(default_factory=list)
    headshot_src: str = ""
    headshot_alt: str = ""
    login: str = ""


@dataclass
class ParsedArticle:
    """One article read from a source, with the problems met while reading it."""

    source: str
    title: str = ""
    slug: str = ""
    summary: str = ""
    source_url: str = ""
    guid: str = ""
    published_at: datetime | None = None
    status: str = "publish"
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    author: ParsedAuthor | None = None
    hero_src: str = ""
    hero_alt: str = ""
    blocks: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skip_reason: str = ""
    # Identity: where the item comes from (the old site's address, else the file name), what it
    # is (post, page, html, text) and its id there (the WordPress id, else the URL or file name).
    origin: str = ""
    kind: str = "post"
    source_id: str = ""
    parent_id: str = ""
    menu_order: int = 0
    protected: bool = False
    # Phone numbers anywhere in the source page (banners and boxes included), to compare with
    # the practice's own number: calls to action here always use the practice's.
    phones: list[str] = field(default_factory=list)
    # A skip that loses content (unreadable item) rather than one meant (trash, empty body).
    lost: bool = False

    @property
    def label(self) -> str:
        """How the summary names this item: its title, else where it came from."""
        return self.title or self.source.replace("\\", "/").rsplit("/", 1)[-1]

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def blocks_of(self, kind: str) -> list[dict]:
        return [block for block in self.blocks if block["type"] == kind]
