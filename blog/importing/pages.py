"""Turn parsed articles into `BlogPage`s: blocks, author, topics, state and old-URL redirects.

An import is keyed on the old URL (the page's canonical URL, the WXR link and guid): each becomes
a `Redirect` to the new page, and the same Redirect finds the page again on the next run, so a
source imported twice updates its page. Sources without a URL (plain text) are found again by
their slug under the parent page.
"""

from __future__ import annotations

import io
import logging
import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from html import escape
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page
from wagtail.utils.file import hash_filelike

from blog.models import LICENSE_TYPES, Author, BlogCategory, BlogPage, BlogPageAuthor
from home.actions import Action
from home.models import CallToAction, PracticeSettings

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


@dataclass
class Outcome:
    """What happened to one parsed article."""

    label: str
    status: str
    page: BlogPage | None = None
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    state: str = ""


def cut(value: str, limit: str, warnings: list[str]) -> str:
    size = LIMITS[limit]
    if len(value) <= size:
        return value
    warnings.append(f"a {limit} longer than {size} characters was shortened")
    return truncate(value, size)


def old_paths(article: ParsedArticle) -> list[str]:
    """The old site's paths for this article, normalised as Redirects store them."""
    paths = []
    for url in (article.source_url, article.guid):
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
    ) -> None:
        self.parent = parent
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
        """Import one article in its own savepoint: a failure undoes only this article."""
        outcome = Outcome(label=article.label, status="skipped", warnings=list(article.warnings))
        if article.skip_reason:
            outcome.reason = article.skip_reason
            return outcome
        try:
            with transaction.atomic():
                self.save(article, outcome)
        except Exception as exc:  # an unexpected error skips this item, never the whole run
            logger.debug("import of %s failed", article.source, exc_info=True)
            outcome.status, outcome.page = "skipped", None
            outcome.reason = f"could not be saved ({exc.__class__.__name__}: {exc})"[:300]
        return outcome

    def save(self, article: ParsedArticle, outcome: Outcome) -> None:
        warnings = outcome.warnings
        page, matched_by = self.find_existing(article)
        if page is None:
            page = BlogPage(live=False)
            page.slug = self.free_slug(article.slug or make_slug(article.title) or "article")
        else:
            page = page.get_latest_revision_as_object()
            if matched_by == "slug" and old_paths(article):
                warnings.append(
                    "no redirect from the old address yet: updated the article with the same slug"
                )
        page.title = article.title[:255]
        page.summary = truncate(article.summary or article.title, 300)
        page.search_description = page.summary
        page.date_published = self.publication_date(article.published_at) or (
            page.date_published or timezone.localdate()
        )
        if article.hero_src:
            page.hero_image = self.image(
                {"src": article.hero_src, "alt": ""}, warnings, what="featured image"
            )
        self.unresolved_links = 0
        page.body = self.body(article, warnings)
        unresolved = self.unresolved_links
        page.categories = self.categories(article.categories)
        authors = self.authors(article, warnings)
        if authors:
            page.article_authors = [
                BlogPageAuthor(author=author, sort_order=i) for i, author in enumerate(authors)
            ]
        elif not page.article_authors.all():
            warnings.append("no author found: choose one before publishing (or use --author)")
        page.tags.set([tag[:100] for tag in article.tags[:50]])
        if page.pk is None:
            self.parent.add_child(instance=page)
            outcome.status = "imported"
        else:
            outcome.status = "updated"
        revision = page.save_revision(log_action=True)
        outcome.state = self.apply_state(article, page, revision, warnings)
        if unresolved:
            self.link_later.append((page.pk, article, unresolved))
        self.add_redirects(article, page, warnings)
        outcome.page = page

    def apply_state(self, article: ParsedArticle, page: BlogPage, revision, warnings) -> str:
        status = article.status
        if status == "private":
            warnings.append("private in WordPress: left unpublished")
        elif status == "future":
            warnings.append("scheduled in WordPress: left unpublished, schedule it here")
        if status == "publish" and self.publish:
            revision.publish()
            return "published"
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
                    stored = BlogPage.objects.get(pk=page_id)
                    live_is_latest = stored.live and stored.live_revision_id == (
                        stored.latest_revision_id
                    )
                    page = stored.get_latest_revision_as_object()
                    self.unresolved_links = 0
                    body = self.body(article, [])
                    if self.unresolved_links >= unresolved:
                        continue
                    page.body = body
                    revision = page.save_revision(log_action=True)
                    if live_is_latest:
                        revision.publish()
                    relinked += 1
            except Exception:  # a failed relink leaves the article as imported
                logger.debug("relinking page %s failed", page_id, exc_info=True)
        self.link_later = []
        return relinked

    # Finding and naming ------------------------------------------------------------------------

    def find_existing(self, article: ParsedArticle) -> tuple[BlogPage | None, str]:
        paths = old_paths(article)
        if paths:
            redirect = (
                Redirect.objects.filter(old_path__in=paths, redirect_page__isnull=False)
                .filter(Q(site=self.site) | Q(site__isnull=True))
                .select_related("redirect_page")
                .first()
            )
            if redirect is not None:
                page = redirect.redirect_page.specific
                if isinstance(page, BlogPage):
                    return page, "url"
        slug = article.slug or make_slug(article.title)
        page = BlogPage.objects.child_of(self.parent).filter(slug=slug).first()
        return (page, "slug") if page else (None, "")

    def free_slug(self, slug: str) -> str:
        siblings = set(self.parent.get_children().values_list("slug", flat=True))
        candidate, number = slug, 2
        while candidate in siblings:
            candidate = f"{slug[:70]}-{number}"
            number += 1
        return candidate

    def publication_date(self, value: datetime | None):
        if value is None:
            return None
        if timezone.is_aware(value):
            return timezone.localtime(value).date()
        return value.date()

    def add_redirects(self, article: ParsedArticle, page: BlogPage, warnings: list[str]) -> None:
        own_path = Redirect.normalise_path(page.get_url(current_site=self.site) or "/")
        for path in old_paths(article):
            if path == own_path:
                continue
            existing = Redirect.objects.filter(old_path=path, site=self.site).first()
            if existing is not None and existing.redirect_page_id not in {None, page.pk}:
                warnings.append(f"the old address {path} already redirects elsewhere: left alone")
                continue
            Redirect.objects.update_or_create(
                old_path=path,
                site=self.site,
                defaults={"redirect_page": page, "redirect_link": "", "is_permanent": True},
            )

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
            stream.append({"type": kind, "value": value, "id": str(uuid.uuid4())})
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
        return {
            "snippet": snippet.pk,
            "heading": "",
            "text": "",
            "action": "",
            "page": None,
            "button_label": "",
            "emphasis": "",
        }

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
            category = BlogCategory.objects.filter(
                Q(name__iexact=name) | Q(slug=slug)
            ).first() or BlogCategory.objects.create(name=name, slug=slug)
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
