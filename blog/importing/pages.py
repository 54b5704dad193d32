"""Turn parsed articles into `BlogPage`s (and WordPress pages into `StandardPage`s): blocks,
author, topics, state and old-URL redirects.

An item is found again only through its identity in `ImportedItem` (where it came from, what it
is, its id there), never by guid or slug: two posts sharing a guid or a slug stay two pages, and
the clash is reported. The mapping also keeps the item's fingerprint and the revision the import
saved: an unchanged item is left as it is (no revision, no publish), and an item edited here since
its import is left alone unless the run says `--overwrite`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from django.db import OperationalError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.utils.file import hash_filelike

from blog.models import (
    LICENSE_TYPES,
    Author,
    BlogCategory,
    BlogPage,
    BlogPageAuthor,
    ImportedItem,
)
from home.actions import Action
from home.models import CallToAction, PracticeSettings, StandardPage

from .article import ParsedArticle, ParsedAuthor
from .normalise import make_slug, truncate
from .richtext import plain

logger = logging.getLogger(__name__)
PLACEHOLDER_TAG = "import-placeholder"
PLACEHOLDER_PREFIX = "Import placeholder: "
LICENSE_CHOICES = {value for value, _ in LICENSE_TYPES}
ISSUERS = {
    ("CA", "LMFT"): "California Board of Behavioral Sciences",
    ("CA", "LCSW"): "California Board of Behavioral Sciences",
    ("CA", "LPCC"): "California Board of Behavioral Sciences",
    ("CA", "PsyD"): "California Board of Psychology",
}
HREF = re.compile(r'<a href="(/[^"]*)">')
LIMITS = {"heading": 160, "term": 120, "title": 160, "quote": 1000, "who": 120, "caption": 250}
WORDPRESS_KINDS = {"post", "page"}
WORDPRESS_ID_LINK = re.compile(r"[?&](?:p|page_id|attachment_id)=\d+")
LOCK_RETRIES = 6
# Blocks a standard page has no room for become their nearest equivalent (see `for_standard_page`).
STANDARD_PAGE_BLOCKS = {"heading", "paragraph", "image", "key_points", "quote", "cta"}


@dataclass
class Outcome:
    """What happened to one parsed article."""

    label: str
    status: str
    page: BlogPage | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    state: str = ""
    lost: bool = False


def cut(value: str, limit: str, warnings: list[str]) -> str:
    size = LIMITS[limit]
    if len(value) <= size:
        return value
    warnings.append(f"a {limit} longer than {size} characters was shortened")
    return truncate(value, size)


def identity(article: ParsedArticle) -> tuple[str, str, str]:
    """(source, kind, id): what `ImportedItem` matches on."""
    return (article.origin or "files")[:255], article.kind[:40], article.source_id[:255]


def fingerprint(article: ParsedArticle, extra: str = "") -> str:
    """A hash of everything the import writes from this item: equal hashes, nothing to do."""
    data = {
        "title": article.title,
        "slug": article.slug,
        "summary": article.summary,
        "status": article.status,
        "protected": article.protected,
        "published_at": article.published_at.isoformat() if article.published_at else "",
        "categories": article.categories,
        "tags": article.tags,
        "author": article.author.__dict__ if article.author else None,
        "hero": [article.hero_src, article.hero_alt],
        "blocks": article.blocks,
        "parent": [article.parent_id, article.menu_order],
        "extra": extra,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def old_paths(article: ParsedArticle) -> list[str]:
    """The old site's paths for this article, normalised as Redirects store them.

    A WordPress item answers at its permalink and at `/?p=ID` (`/?page_id=ID` for a page); its
    guid only when it is a permalink, since shared `?p=` guids would point one post at another.
    """
    urls = [article.source_url]
    if article.kind in WORDPRESS_KINDS and article.source_id.isdigit():
        urls.append(f"/?p={article.source_id}")
        if article.kind == "page":
            urls.append(f"/?page_id={article.source_id}")
        if article.guid and not WORDPRESS_ID_LINK.search(article.guid):
            urls.append(article.guid)
    else:
        urls.append(article.guid)
    paths = []
    for url in urls:
        parts = urlsplit(url or "")
        if parts.scheme in {"http", "https"} or (url or "").startswith("/"):
            path = Redirect.normalise_path(url)
            if path not in {"", "/"} and path not in paths and len(path) <= 255:
                paths.append(path)
    return paths


class ArticleImporter:
    """Creates or updates one `BlogPage` per parsed article under `parent`."""

    def __init__(
        self,
        parent: Page,
        *,
        author: Author | None = None,
        publish: bool = False,
        dry_run: bool = False,
        image_dirs: list[Path] | None = None,
        overwrite: bool = False,
        fetcher=None,
        pages_parent: Page | None = None,
    ) -> None:
        self.parent = parent
        self.overwrite = overwrite
        self.fetcher = fetcher
        self.pages_parent = pages_parent
        self.records: dict[tuple[str, str, str], ImportedItem] = {}
        self.loaded_origins: set[tuple[str, str]] = set()
        self.seen: dict[tuple[str, str, str], str] = {}
        self.guids: dict[str, str] = {}
        self.previous_ids: list[tuple[str, str]] = []
        self.menu_orders: dict[int, int] = {}
        self.changed_pages: set[int] = set()
        self.unclaimed_redirects: bool | None = None
        self.options_key = ""
        self.known_authors: dict[str, Author] = {}
        self.sibling_slugs: dict[int, set[str]] = {}
        self.cta_snippet: CallToAction | None = None
        self.known_categories: dict[str, BlogCategory] = {}
        self.site = parent.get_site()
        self.author = author
        self.publish = publish
        self.dry_run = dry_run
        self.image_dirs = [d for d in (image_dirs or []) if d and d.is_dir()]
        self.practice = PracticeSettings.for_site(self.site) if self.site else None
        self.unresolved_links = 0
        self.link_later: list[tuple[int, ParsedArticle, int]] = []

    # One article -------------------------------------------------------------------------------

    def run(self, article: ParsedArticle) -> Outcome:
        """Import one article in its own savepoint: a failure undoes only this article.

        A locked database (SQLite while the site serves) is retried with back-off; an item that
        still cannot be saved is lost and says so.
        """
        outcome = Outcome(label=article.label, status="skipped", warnings=list(article.warnings))
        if article.skip_reason:
            outcome.reason, outcome.lost = article.skip_reason, article.lost
            return outcome
        key = identity(article)
        if key in self.seen:
            outcome.reason = (
                f"collision: same WordPress {article.kind} id {article.source_id} as "
                f"{self.seen[key]!r} in this run: not merged, not imported"
            )
            outcome.lost = True
            return outcome
        self.seen[key] = article.label
        if article.guid:
            other = self.guids.setdefault(article.guid, article.label)
            if other != article.label:
                outcome.warnings.append(
                    f"shares its guid {article.guid} with {other!r}: imported as its own "
                    f"{article.kind}, not merged"
                )
        if self.settled(article, outcome):
            return outcome
        initial = list(outcome.warnings)
        for attempt in range(LOCK_RETRIES):
            outcome.warnings[:] = initial
            try:
                with transaction.atomic():
                    self.save(article, outcome)
                return outcome
            except OperationalError as exc:
                self.forget_rolled_back()
                if "locked" in str(exc).lower() and attempt + 1 < LOCK_RETRIES:
                    time.sleep(0.1 * 2**attempt)
                    continue
                self.fail(article, outcome, exc)
                return outcome
            except Exception as exc:  # an unexpected error skips this item, never the whole run
                self.forget_rolled_back()
                self.fail(article, outcome, exc)
                return outcome
        return outcome

    def forget_rolled_back(self) -> None:
        """A rolled-back attempt may have created authors, categories or slugs: read them again."""
        self.known_authors.clear()
        self.known_categories.clear()
        self.sibling_slugs.clear()
        self.records.clear()
        self.loaded_origins.clear()
        if self.fetcher is not None:
            self.fetcher.done.clear()

    def fail(self, article: ParsedArticle, outcome: Outcome, exc: Exception) -> None:
        logger.debug("import of %s failed", article.source, exc_info=True)
        outcome.status, outcome.page, outcome.lost = "skipped", None, True
        outcome.reason = f"could not be saved ({exc.__class__.__name__}: {exc})"[:300]

    def record_for(self, article: ParsedArticle) -> ImportedItem | None:
        """The mapping row of this item; all rows of its source are read in one query."""
        source, kind, source_id = identity(article)
        if (source, kind) not in self.loaded_origins:
            self.loaded_origins.add((source, kind))
            for record in ImportedItem.objects.filter(source=source, kind=kind).select_related(
                "page"
            ):
                self.records[(source, kind, record.source_id)] = record
        return self.records.get((source, kind, source_id))

    def settled(self, article: ParsedArticle, outcome: Outcome) -> bool:
        """An unchanged item, or one edited here, needs no write: say so without a transaction."""
        record = self.record_for(article)
        if record is None or record.page is None:
            return False
        stored = record.page
        edited = stored.latest_revision_id != record.revision_id
        unchanged = record.content_hash == self.digest(article)
        publish = unchanged and self.wants_live(article) and not stored.live
        if (edited and self.overwrite) or not (edited or unchanged) or publish:
            return False
        outcome.page, outcome.state = stored, "live" if stored.live else "draft"
        if article.kind == "page":
            self.menu_orders[record.pk] = article.menu_order
        if edited:
            outcome.status = "left alone"
            outcome.reason = (
                "edited here since it was imported: left alone (--overwrite replaces the edits)"
            )
        else:
            outcome.status = "unchanged"
        return True

    def digest(self, article: ParsedArticle) -> str:
        return fingerprint(article, f"{self.author.pk if self.author else ''}|{self.options_key}")

    def wants_live(self, article: ParsedArticle) -> bool:
        return self.publish and article.status == "publish" and not article.protected

    def save(self, article: ParsedArticle, outcome: Outcome) -> None:
        warnings = outcome.warnings
        record = self.record_for(article)
        digest = self.digest(article)
        model = StandardPage if article.kind == "page" else BlogPage
        stored = record.page if record is not None and record.page_id else None
        previous_ids: list[tuple[str, str]] = []
        if stored is not None:
            outcome.page = stored
            edited = stored.latest_revision_id != record.revision_id
            if edited and not self.overwrite:
                outcome.status, outcome.state = "left alone", "live" if stored.live else "draft"
                outcome.reason = (
                    "edited here since it was imported: left alone (--overwrite replaces the edits)"
                )
                return
            if record.content_hash == digest and not edited:
                if self.wants_live(article) and not stored.live and stored.latest_revision:
                    stored.latest_revision.publish()
                    outcome.status, outcome.state = "updated", "published"
                else:
                    outcome.status, outcome.state = "unchanged", "live" if stored.live else "draft"
                return
            stored = stored.specific
            previous_ids = [(block.block_type, block.id) for block in stored.body]
            page = stored.get_latest_revision_as_object()
        elif (legacy := self.imported_before(article, model)) is not None:
            warnings.append(
                "found through its old address: the page an earlier import made, now remembered"
            )
            previous_ids = [(block.block_type, block.id) for block in legacy.body]
            page = legacy.get_latest_revision_as_object()
        else:
            page = model(live=False)
            parent = self.parent_for(article)
            wanted = article.slug or make_slug(article.title) or article.kind
            page.slug = self.free_slug(wanted, parent)
            if page.slug != wanted:
                warnings.append(
                    f"slug clash: {wanted!r} is taken by another page here, so this one is at "
                    f"{page.slug!r} (not merged)"
                )
        self.previous_ids = previous_ids
        if model is StandardPage:
            self.fill_standard_page(page, article, warnings)
        else:
            self.fill_article(page, article, warnings)
        self.previous_ids = []
        if page.pk is None:
            self.parent_for(article).add_child(instance=page)
            outcome.status = "imported"
        else:
            outcome.status = "updated"
        revision = page.save_revision(log_action=True)
        outcome.state = self.apply_state(article, page, revision, warnings)
        if self.unresolved_links:
            self.link_later.append((page.pk, article, self.unresolved_links))
        self.add_redirects(article, page, warnings)
        outcome.page = page
        if not self.dry_run:
            record, _ = ImportedItem.objects.update_or_create(
                source=identity(article)[0],
                kind=identity(article)[1],
                source_id=identity(article)[2],
                defaults={
                    "page": page,
                    "revision": revision,
                    "content_hash": digest,
                    "url": article.source_url,
                },
            )
            self.records[identity(article)] = record
            if article.kind == "page":
                self.menu_orders[record.pk] = article.menu_order
                self.changed_pages.add(page.pk)

    def imported_before(self, article: ParsedArticle, model: type[Page]) -> Page | None:
        """A page an import made before identity mapping existed, by its permalink redirect.

        Only the permalink counts (guids and `?p=` links could be shared), and only a page that no
        other item claims.
        """
        if not article.source_url:
            return None
        if self.unclaimed_redirects is None:  # one query per run when there are none
            self.unclaimed_redirects = (
                Redirect.objects.filter(site=self.site, redirect_page__isnull=False)
                .exclude(redirect_page__in=ImportedItem.objects.values("page"))
                .exists()
            )
        if not self.unclaimed_redirects:
            return None
        path = Redirect.normalise_path(article.source_url)
        redirect = (
            Redirect.objects.filter(old_path=path, site=self.site, redirect_page__isnull=False)
            .select_related("redirect_page")
            .first()
        )
        if redirect is None or ImportedItem.objects.filter(page=redirect.redirect_page).exists():
            return None
        page = redirect.redirect_page.specific
        return page if isinstance(page, model) else None

    def parent_for(self, article: ParsedArticle) -> Page:
        """Articles go under the blog; a page under its imported WordPress parent, else --pages."""
        if article.kind != "page":
            return self.parent
        if article.parent_id:
            parent = self.records.get((identity(article)[0], "page", article.parent_id))
            if parent is not None and parent.page_id:
                return parent.page
        return self.pages_parent or self.parent

    def fill_standard_page(self, page: StandardPage, article: ParsedArticle, warnings) -> None:
        page.title = article.title[:255]
        page.intro = truncate(article.summary, 400) if article.summary else ""
        page.search_description = truncate(article.summary or article.title, 300)
        self.unresolved_links = 0
        page.body = self.for_standard_page(self.body(article, warnings), warnings)

    def for_standard_page(self, stream: list[dict], warnings: list[str]) -> list[dict]:
        """A standard page holds fewer kinds of block: the rest become their nearest kin."""
        out = []
        for block in stream:
            kind, value = block["type"], block["value"]
            if kind in STANDARD_PAGE_BLOCKS:
                if kind == "heading" and value["level"] == "h4":
                    value["level"] = "h3"
                    warnings.append("an h4 heading became h3 (standard pages use h2 and h3)")
                out.append(block)
                continue
            if kind == "gallery":
                for item in value["images"]:
                    out.append(
                        {
                            "type": "image",
                            "value": {**item, "decorative": False, "credit": ""},
                            "id": str(uuid.uuid4()),
                        }
                    )
                continue
            if kind == "steps":
                items = "".join(
                    f"<li><b>{escape(step['title'])}</b> {plain(step['text'])}</li>"
                    for step in value["steps"]
                )
                html = f"<ol>{items}</ol>"
            elif kind == "embed":
                html = f'<p><a href="{escape(value["url"])}">{escape(value["title"])}</a></p>'
            elif kind == "table":
                html = "".join(f"<p>{escape(' | '.join(row))}</p>" for row in value["rows"])
            else:
                html = "".join(f"<p>{escape(line)}</p>" for line in value["text"].splitlines())
            warnings.append(f"a {kind} block became text (standard pages have no {kind} block)")
            out.append({"type": "paragraph", "value": html, "id": block["id"]})
        return out

    def fill_article(self, page: BlogPage, article: ParsedArticle, warnings: list[str]) -> None:
        page.title = article.title[:255]
        page.summary = truncate(article.summary or article.title, 300)
        page.search_description = page.summary
        page.date_published = self.publication_date(article.published_at) or (
            page.date_published or timezone.localdate()
        )
        if article.hero_src:
            page.hero_image = self.image(
                {"src": article.hero_src, "alt": article.hero_alt}, warnings, what="featured image"
            )
        self.unresolved_links = 0
        self.cta_snippet = None
        page.body = self.body(article, warnings)
        self.compare_phones(article, warnings)
        page.categories = self.categories(article.categories)
        authors = self.authors(article, warnings)
        if authors:
            page.article_authors = [
                BlogPageAuthor(author=author, sort_order=i) for i, author in enumerate(authors)
            ]
        elif not page.article_authors.all():
            warnings.append("no author found: choose one before publishing (or use --author)")
        page.tags.set([tag[:100] for tag in article.tags[:50]])

    def apply_state(self, article: ParsedArticle, page: Page, revision, warnings) -> str:
        status = article.status
        if status == "private":
            warnings.append("private in WordPress: left unpublished")
        elif status == "future":
            warnings.append("scheduled in WordPress: left unpublished, schedule it here")
        if self.wants_live(article):
            revision.publish()
            return "published"
        if page.live and (article.protected or status == "private"):
            page.unpublish(log_action=True)
            warnings.append(
                f"{'password-protected' if article.protected else status} in the "
                "source but live here: unpublished"
            )
            return "unpublished"
        if page.live:
            if status != "publish":
                warnings.append(f"{status} in the source but live here: left live, changes saved")
            return "live, changes saved as a draft"
        return "draft"

    def link_articles_imported_later(self) -> int:
        """Turn links to articles imported after the one linking to them into page links."""
        relinked = 0
        for page_id, article, unresolved in self.link_later:
            try:
                with transaction.atomic():
                    stored = Page.objects.get(pk=page_id).specific
                    live_is_latest = stored.live and stored.live_revision_id == (
                        stored.latest_revision_id
                    )
                    page = stored.get_latest_revision_as_object()
                    self.unresolved_links = 0
                    self.previous_ids = [(block.block_type, block.id) for block in stored.body]
                    body = self.body(article, [])
                    self.previous_ids = []
                    if isinstance(stored, StandardPage):
                        body = self.for_standard_page(body, [])
                    if self.unresolved_links >= unresolved:
                        continue
                    page.body = body
                    revision = page.save_revision(log_action=True)
                    if live_is_latest:
                        revision.publish()
                    ImportedItem.objects.filter(page_id=page_id).update(revision=revision)
                    relinked += 1
            except Exception:  # a failed relink leaves the article as imported
                logger.debug("relinking page %s failed", page_id, exc_info=True)
        self.link_later = []
        return relinked

    def order_pages(self) -> None:
        """Imported WordPress pages take their menu order among their siblings.

        Only where a page changed in this run: a no-op re-run keeps an editor's own ordering.
        """
        records = [r for r in self.records.values() if r.kind == "page" and r.page_id]
        orders = {
            r.page_id: order for r in records if (order := self.menu_orders.get(r.pk)) is not None
        }
        parents = {Page.objects.get(pk=pk).get_parent().pk for pk in self.changed_pages}
        for parent_id in parents:
            parent = Page.objects.get(pk=parent_id)
            children = list(parent.get_children())
            imported = sorted(
                (child for child in children if child.pk in orders),
                key=lambda child: orders[child.pk],
            )
            if [c.pk for c in children if c.pk in orders] == [c.pk for c in imported]:
                continue
            # Pages already there keep their place; the imported ones follow, in menu order.
            others = [child.pk for child in children if child.pk not in orders]
            anchor = others[-1] if others else None
            for child in imported:
                child = Page.objects.get(pk=child.pk)
                if anchor is None:
                    child.move(parent, pos="first-child")
                else:
                    child.move(Page.objects.get(pk=anchor), pos="right")
                anchor = child.pk

    def attachment_redirects(self, attachments) -> None:
        """Old attachment pages and file addresses lead to the fetched image's file."""
        if self.fetcher is None or self.dry_run:
            return
        for attachment in attachments:
            image = self.fetcher.done.get(attachment.url)
            if image is None:
                continue
            target = image.file.url
            urls = [attachment.link, attachment.url, f"/?attachment_id={attachment.post_id}"]
            for url in urls:
                parts = urlsplit(url or "")
                if not url or (parts.scheme and parts.scheme not in {"http", "https"}):
                    continue
                path = Redirect.normalise_path(url)
                if path in {"", "/"} or len(path) > 255:
                    continue
                Redirect.objects.update_or_create(
                    old_path=path,
                    site=self.site,
                    defaults={"redirect_link": target, "redirect_page": None, "is_permanent": True},
                )

    # Finding and naming ------------------------------------------------------------------------

    def free_slug(self, slug: str, parent: Page) -> str:
        """`slug`, or `slug-2`, `slug-3`... when a sibling has it (sibling slugs read once)."""
        if parent.pk not in self.sibling_slugs:
            self.sibling_slugs[parent.pk] = set(
                parent.get_children().values_list("slug", flat=True)
            )
        siblings = self.sibling_slugs[parent.pk]
        candidate, number = slug, 2
        while candidate in siblings:
            candidate = f"{slug[:70]}-{number}"
            number += 1
        if not self.dry_run:
            siblings.add(candidate)
        return candidate

    def publication_date(self, value: datetime | None):
        if value is None:
            return None
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()

    def add_redirects(self, article: ParsedArticle, page: BlogPage, warnings: list[str]) -> None:
        own_path = Redirect.normalise_path(page.get_url(current_site=self.site) or "/")
        paths = [path for path in old_paths(article) if path != own_path]
        existing = {
            redirect.old_path: redirect
            for redirect in Redirect.objects.filter(old_path__in=paths, site=self.site)
        }
        for path in paths:
            found = existing.get(path)
            if found is not None and found.redirect_page_id not in {None, page.pk}:
                warnings.append(
                    f"collision: the old address {path} already leads to another page: left "
                    "pointing there"
                )
            elif found is None:
                Redirect.objects.create(
                    old_path=path, site=self.site, redirect_page=page, is_permanent=True
                )
            elif found.redirect_page_id != page.pk or found.redirect_link:
                found.redirect_page, found.redirect_link, found.is_permanent = page, "", True
                found.save()

    # Body --------------------------------------------------------------------------------------

    def body(self, article: ParsedArticle, warnings: list[str]) -> list[dict]:
        stream = []
        anchors: set[str] = set()
        for block in article.blocks:
            value = getattr(self, f"block_{block['type']}")(block, warnings)
            if value is None:
                continue
            kind = "paragraph" if block["type"] == "paragraph" else block["type"]
            if kind == "heading":
                # The heading block's own rule (slug of the text, 80 characters), made unique.
                anchor = slugify(value["text"])[:80] or "section"
                base, number = anchor, 2
                while anchor in anchors:
                    anchor, number = f"{base[:74]}-{number}", number + 1
                anchors.add(anchor)
                if anchor != base:
                    value["anchor"] = anchor
            # A changed item keeps the ids of blocks that stay in place (same position, same kind).
            index = len(stream)
            kept = self.previous_ids[index] if index < len(self.previous_ids) else None
            block_id = kept[1] if kept and kept[0] == kind else str(uuid.uuid4())
            stream.append({"type": kind, "value": value, "id": block_id})
        return stream

    def rich(self, html: str) -> str:
        """Links to old addresses that now redirect to a page become internal page links."""

        def replace(match: re.Match) -> str:
            path = Redirect.normalise_path(unquote(match.group(1)))
            redirect = (
                Redirect.objects.filter(old_path=path, redirect_page__isnull=False)
                .filter(Q(site=self.site) | Q(site__isnull=True))
                .first()
            )
            if redirect is None:
                self.unresolved_links += 1
                return match.group(0)
            return f'<a linktype="page" id="{redirect.redirect_page_id}">'

        return HREF.sub(replace, html)

    def inline_rich(self, html: str) -> str:
        return f"<p>{self.rich(html)}</p>" if html else ""

    def block_heading(self, block, warnings):
        text = cut(block["text"].rstrip(":").strip(), "heading", warnings)
        return {"text": text, "level": f"h{block['level']}", "anchor": ""}

    def block_table(self, block, warnings):
        return {
            "caption": cut(block["caption"], "caption", warnings),
            "header_row": block["header"],
            "rows": [[cell[:500] for cell in row] for row in block["rows"]],
        }

    def block_code(self, block, warnings):
        return {"text": block["text"]}

    def block_gallery(self, block, warnings):
        images = []
        for picture in block["images"]:
            image = self.image(picture, warnings)
            if not picture["alt"]:
                warnings.append("a gallery image has no alt text: add one before publishing")
            images.append(
                {
                    "image": image.pk if image is not None else None,
                    "alt_text": picture["alt"][:250],
                    "caption": cut(picture["caption"], "caption", warnings),
                }
            )
        return {"images": images}

    def block_paragraph(self, block, warnings):
        return self.rich(block["html"])

    def block_key_points(self, block, warnings):
        return {
            "heading": "",
            "items": [
                {"term": cut(i["term"], "term", warnings), "text": self.inline_rich(i["html"])}
                for i in block["items"]
            ],
        }

    def block_steps(self, block, warnings):
        steps = []
        for item in block["items"]:
            title, text = item["title"], item["html"]
            if not title:
                title, text = truncate(plain(text), 80), text
            steps.append({"title": cut(title, "title", warnings), "text": self.inline_rich(text)})
        return {"heading": "", "steps": steps}

    def block_quote(self, block, warnings):
        if not block["who"]:
            warnings.append("a quote has no attribution: add who said it")
        return {
            "quote": cut(block["text"], "quote", warnings),
            "who": cut(block["who"], "who", warnings),
            "role": "",
            "source": block.get("source", "")[:200],
            "source_url": "",
        }

    def block_embed(self, block, warnings):
        host = (urlsplit(block["url"]).hostname or "another site").removeprefix("www.")
        return {"url": block["url"], "title": f"Video on {host}", "description": ""}

    def block_image(self, block, warnings):
        image = self.image(block, warnings)
        if not block["alt"]:
            warnings.append("an image has no alt text: add one before publishing")
        return {
            "image": image.pk if image is not None else None,
            "alt_text": block["alt"][:250],
            "decorative": False,
            "caption": cut(block.get("caption", ""), "caption", warnings),
            "credit": "",
        }

    def block_cta(self, block, warnings):
        snippet = self.call_to_action(block)
        if snippet is None:
            return None
        self.compare_cta(block, snippet, warnings)
        self.cta_snippet = snippet
        return {
            "snippet": snippet.pk,
            "heading": "",
            "text": "",
            "action": "",
            "page": None,
            "button_label": "",
            "emphasis": "",
        }

    def compare_phones(self, article: ParsedArticle, warnings: list[str]) -> None:
        """A phone number of the old page that is not the practice's is named in the report."""
        practice_phone = getattr(self.practice, "phone", "") or ""
        own = re.sub(r"\D", "", practice_phone)[-10:]
        for phone in article.phones:
            if re.sub(r"\D", "", phone)[-10:] == own:
                continue
            through = (
                f" (its calls to action now use {self.cta_snippet.name!r})"
                if (self.cta_snippet is not None)
                else ""
            )
            warnings.append(
                f"the old page's phone number {phone} is not in the article{through}; the "
                f"practice's number is {practice_phone or 'not set yet'}: check which is right"
            )

    def compare_cta(self, block: dict, snippet: CallToAction, warnings: list[str]) -> None:
        """Say when the old call to action's own number or link gives way to the practice's."""
        url = block.get("url", "")
        booking = getattr(self.practice, "booking_url", "") or ""
        if block["action"] == "booking" and url.startswith("http") and url != booking:
            warnings.append(
                f"the call to action's own link {url} was replaced by the practice's CTA "
                f"{snippet.name!r}: check which is right"
            )

    # Related objects ---------------------------------------------------------------------------

    def call_to_action(self, block: dict) -> CallToAction | None:
        """The practice's reusable CTA that fits the box (phone or booking), else a new one."""
        wanted = [Action.CALL] if block["action"] == "phone" else [Action.BOOKING, Action.FORM]
        booking = getattr(self.practice, "booking_url", "")
        for action in wanted:
            found = CallToAction.objects.filter(action=action).order_by("pk").first()
            if found is not None:
                return found
        existing = CallToAction.objects.order_by("pk").first()
        if existing is not None:
            return existing
        action = wanted[0] if wanted[0] != Action.BOOKING or booking else Action.FORM
        return CallToAction.objects.create(
            name="Free consultation (from import)",
            heading=(block["heading"] or block["label"] or "Book a free consultation")[:160],
            text=block["text"][:400],
            action=action,
            button_label=block["label"][:60],
        )

    def categories(self, names: list[str]) -> list[BlogCategory]:
        found = []
        for name in names:
            name = name[:80]
            slug = make_slug(name) or "category"
            category = self.known_categories.get(name.lower())
            if category is None:
                category = BlogCategory.objects.filter(
                    Q(name__iexact=name) | Q(slug=slug)
                ).first() or BlogCategory.objects.create(name=name, slug=slug)
                self.known_categories[name.lower()] = category
            if category not in found:
                found.append(category)
        return found

    def authors(self, article: ParsedArticle, warnings: list[str]) -> list[Author]:
        if self.author is not None:
            return [self.author]
        if article.author is None or not article.author.name:
            return []
        return [self.author_from(article.author)]

    def author_from(self, parsed: ParsedAuthor) -> Author:
        """The matching `Author`, created when missing; blank fields filled, edits kept."""
        if repr(parsed) in self.known_authors:
            return self.known_authors[repr(parsed)]
        self.known_authors[repr(parsed)] = author = self.find_or_fill_author(parsed)
        return author

    def find_or_fill_author(self, parsed: ParsedAuthor) -> Author:
        slug = make_slug(parsed.name) or make_slug(parsed.login) or "author"
        author = (
            Author.objects.filter(slug=slug).first()
            or Author.objects.filter(name__iexact=parsed.name).first()
            or Author(slug=slug, name=parsed.name[:120])
        )
        license_type = parsed.license_type.replace("Psychologist", "PsyD")
        if license_type and license_type not in LICENSE_CHOICES:
            license_type = "other"
        values = {
            "honorific": parsed.honorific[:20],
            "credentials": ", ".join(parsed.credentials)[:120],
            "license_type": license_type,
            "license_number": parsed.license_number[:40],
            "license_state": parsed.license_state[:2],
            "license_issuer": ISSUERS.get((parsed.license_state, license_type), ""),
            "job_title": dict(LICENSE_TYPES).get(license_type, "") if license_type else "",
            "short_bio": f"<p>{escape(parsed.short_bio)}</p>" if parsed.short_bio else "",
            "long_bio": "".join(f"<p>{escape(p)}</p>" for p in parsed.long_bio),
        }
        for name, value in values.items():
            if value and not getattr(author, name):
                setattr(author, name, value)
        if parsed.headshot_src and author.headshot_id is None:
            author.headshot = self.local_image(parsed.headshot_src, parsed.headshot_alt)
        author.save()
        return author

    # Images ------------------------------------------------------------------------------------

    def image(self, block: dict, warnings: list[str], what: str = "image"):
        name = Path(unquote(urlsplit(block["src"]).path)).name
        image = self.local_image(block["src"], block["alt"])
        if image is None and self.fetcher is not None:
            image = self.fetcher.get(block["src"], block["alt"], block.get("caption", ""))
        if image is not None:
            return image
        kept = " and its alt text kept" if block["alt"] else ""
        warnings.append(
            f"{what} {name or block['alt'] or '(no name)'} is not available here: a placeholder "
            f"was used{kept}; upload the real file over the placeholder"
        )
        if self.dry_run:
            return None
        return self.placeholder(name or block["alt"] or "image")

    def local_image(self, src: str, alt: str):
        name = Path(unquote(urlsplit(src).path)).name
        if not name or self.dry_run:
            return None
        for folder in self.image_dirs:
            path = folder / name
            if path.is_file():
                with path.open("rb") as handle:
                    digest = hash_filelike(handle)
                Image = get_image_model()
                existing = Image.objects.filter(file_hash=digest).first()
                if existing is not None:
                    return existing
                with path.open("rb") as handle:
                    image = Image(title=(alt or name)[:255], file=ImageFile(handle, name=name))
                    image._set_image_file_metadata()
                    image.save()
                return image
        return None

    def placeholder(self, name: str):
        """One grey placeholder image per missing file, found again by its title on re-import."""
        Image = get_image_model()
        title = f"{PLACEHOLDER_PREFIX}{name}"[:255]
        existing = Image.objects.filter(title=title).first()
        if existing is not None:
            return existing
        from PIL import Image as PILImage
        from PIL import ImageDraw

        canvas = PILImage.new("RGB", (800, 450), (226, 229, 233))
        ImageDraw.Draw(canvas).text((24, 24), f"Image to replace: {name}"[:90], fill=(60, 60, 60))
        buffer = io.BytesIO()
        canvas.save(buffer, format="PNG")
        image = Image(title=title, file=ImageFile(buffer, name=f"{make_slug(name) or 'image'}.png"))
        image._set_image_file_metadata()
        image.save()
        image.tags.add(PLACEHOLDER_TAG)
        return image
