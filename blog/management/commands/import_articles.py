"""manage.py import_articles: bring saved pages, text articles and WordPress exports over."""

from __future__ import annotations

import re
import sys
from collections import Counter
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from blog.importing import parse_path
from blog.importing.fetch import ImageFetcher
from blog.importing.indexing import deferred_indexing
from blog.importing.pages import ArticleImporter, Outcome
from blog.importing.sources import SourceResult
from blog.models import Author, BlogIndexPage
from home.models import HomePage, StandardPage

PROGRESS_FROM = 20
# Beyond this many, per-item warning lines are printed only with -v 2 (the grouped counts always).
WARNING_LINES = 200
STATUSES = ("imported", "updated", "unchanged", "left alone", "skipped")
KIND_NOISE = re.compile(r"'[^']*'|\"[^\"]*\"|\S+\.(?:jpe?g|png|gif|webp|svg)\b|\S*/\S*|\d+")


def warning_kind(message: str) -> str:
    """A warning without its particulars (names, numbers, quoted text): what it is about."""
    return re.sub(r"\s+", " ", KIND_NOISE.sub("…", message)).strip()


def pages_first(articles: list) -> list:
    """WordPress pages first, parents before children, then by menu order; posts as they come."""
    parents = {a.source_id: a.parent_id for a in articles if a.kind == "page"}

    def depth(article) -> int:
        seen, current = set(), article.parent_id
        while current in parents and current not in seen:
            seen.add(current)
            current = parents[current]
        return len(seen)

    pages = sorted(
        (a for a in articles if a.kind == "page"), key=lambda a: (depth(a), a.menu_order)
    )
    return [*pages, *(a for a in articles if a.kind != "page")]


def resolve_page(value: str) -> Page | None:
    """A page id, or a URL path on the default site such as /about/."""
    if value.strip().isdigit():
        return Page.objects.filter(pk=int(value)).first()
    path = value.strip().strip("/")
    site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
    candidates = []
    if site is not None:
        candidates.append(site.root_page.url_path + (f"{path}/" if path else ""))
    candidates.append(f"/{path}/" if path else "/")
    found = {page.url_path: page for page in Page.objects.filter(url_path__in=candidates)}
    return next((found[path] for path in candidates if path in found), None)


def resolve_parent(value: str) -> BlogIndexPage:
    """A page id, or a URL path on the default site such as /blog/."""
    page = resolve_page(value)
    if page is None:
        raise CommandError(f"No page found at {value!r}: give the blog's URL path or page id.")
    page = page.specific
    if not isinstance(page, BlogIndexPage):
        raise CommandError(
            f"{page.title!r} is a {page.specific_class._meta.verbose_name}; articles go under a "
            "blog index page."
        )
    return page


def resolve_pages_parent(value: str) -> Page:
    """Where WordPress pages go: the home page or a standard page."""
    page = resolve_page(value)
    if page is None:
        raise CommandError(f"No page found at {value!r} for --pages: give a URL path or page id.")
    page = page.specific
    if not isinstance(page, (HomePage, StandardPage)):
        raise CommandError(
            f"{page.title!r} is a {page.specific_class._meta.verbose_name}; WordPress pages go "
            "under the home page or a standard page."
        )
    return page


class Command(BaseCommand):
    help = (
        "Import articles from saved HTML pages, plain-text files and WordPress exports (WXR) "
        "into article pages under --parent. Importing a source again updates its article."
    )

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="+", metavar="SOURCE", help="HTML, text or WXR files")
        parser.add_argument(
            "--parent", required=True, metavar="PATH", help="The blog index: URL path or page id"
        )
        parser.add_argument("--author", metavar="SLUG", help="Credit every article to this author")
        parser.add_argument(
            "--images",
            metavar="DIR",
            help="A folder with the old site's image files (matched by file name); without "
            "one, images become placeholders that keep their alt text",
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and report, save nothing")
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish imported articles (WordPress drafts, private and password-protected "
            "posts stay unpublished)",
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace articles edited here since their import (they are left alone otherwise)",
        )
        parser.add_argument(
            "--pages",
            metavar="PATH",
            help="Also import WordPress pages, as standard pages under this page (URL path or id), "
            "keeping their hierarchy and menu order",
        )
        parser.add_argument(
            "--fetch-images",
            action="store_true",
            help="Download each referenced image and featured image from the old site "
            "(each file once; a re-run resumes)",
        )
        parser.add_argument(
            "--allow-private",
            action="store_true",
            help="Let --fetch-images download from private or local addresses",
        )
        parser.add_argument(
            "--report",
            metavar="FILE",
            help="Also write one line per item and warning to this file (all of them)",
        )

    def handle(self, *args, **options):
        parent = resolve_parent(options["parent"])
        author = None
        if options["author"]:
            author = Author.objects.filter(slug=options["author"]).first()
            if author is None:
                raise CommandError(f"No author with the slug {options['author']!r}.")
        images = Path(options["images"]) if options["images"] else None
        if images is not None and not images.is_dir():
            raise CommandError(f"{images} is not a folder.")
        self.verbosity = options["verbosity"]
        self.report_path = options["report"]
        pages_parent = resolve_pages_parent(options["pages"]) if options["pages"] else None

        sources = [
            parse_path(source, pages=pages_parent is not None) for source in options["sources"]
        ]
        for source in sources:
            source.articles = pages_first(source.articles)
        total = sum(len(source.articles) for source in sources)
        mode = " (dry run: nothing is saved)" if options["dry_run"] else ""
        self.stdout.write(
            f"Importing {total} article{'s' if total != 1 else ''} from {len(sources)} "
            f"source{'s' if len(sources) != 1 else ''} into {parent.title!r}{mode}"
        )
        fetcher = (
            ImageFetcher(allow_private=options["allow_private"])
            if options["fetch_images"] and not options["dry_run"]
            else None
        )
        importer = ArticleImporter(
            parent,
            author=author,
            publish=options["publish"],
            dry_run=options["dry_run"],
            overwrite=options["overwrite"],
            fetcher=fetcher,
            pages_parent=pages_parent,
        )
        outcomes: list[Outcome] = []
        # Each article is saved in its own transaction; a dry run wraps them all and rolls back.
        atomic = transaction.atomic() if options["dry_run"] else nullcontext()
        # Indexing runs after the block: after the rollback of a dry run, there is nothing to do.
        with deferred_indexing(), atomic:
            for source in sources:
                importer.image_dirs = self.image_dirs(source, images)
                # Which image files are at hand is part of what an item imports as.
                importer.options_key = f"{images}|{options['fetch_images']}"
                for article in source.articles:
                    outcome = importer.run(article)
                    if len(sources) > 1 and source.path.name not in outcome.label:
                        outcome.label = f"[{source.path.name}] {outcome.label}"
                    outcomes.append(outcome)
                    self.report_progress(outcome, len(outcomes), total)
            relinked = importer.link_articles_imported_later()
            if pages_parent is not None and not options["dry_run"]:
                importer.order_pages()
            for source in sources:
                importer.attachment_redirects(source.attachments.values())
            if options["dry_run"]:
                transaction.set_rollback(True)
        if relinked:
            self.stdout.write(
                f"Linked {relinked} article{'s' if relinked != 1 else ''} to articles imported "
                "after them."
            )
        lost = self.summary(sources, outcomes, options["dry_run"], fetcher)
        if lost:
            raise CommandError(
                f"{lost} item{'s' if lost != 1 else ''} or file{'s' if lost != 1 else ''} could "
                "not be imported: see the lines above.",
                returncode=2,
            )

    def image_dirs(self, source: SourceResult, images: Path | None) -> list[Path]:
        folder = source.path.resolve().parent
        dirs = [images] if images else []
        return [*dirs, folder, folder / f"{source.path.stem}_files"]

    def report_progress(self, outcome: Outcome, done: int, total: int) -> None:
        if total < PROGRESS_FROM or self.verbosity >= 2:
            if self.verbosity >= 1:
                state = f" ({outcome.state})" if outcome.state else ""
                reason = f": {outcome.reason}" if outcome.reason else ""
                label = f"{outcome.status}: {outcome.label}"
                self.stdout.write(f"[{done}/{total}] {label}{state}{reason}")
            return
        width = 30
        filled = width * done // total
        bar = f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        if sys.stderr.isatty():
            self.stderr.write(f"\r{bar}", ending="\n" if done == total else "")
        elif done == total or done % max(1, total // 10) == 0:
            self.stderr.write(bar)

    def summary(
        self,
        sources: list[SourceResult],
        outcomes: list[Outcome],
        dry_run: bool,
        fetcher: ImageFetcher | None,
    ) -> int:
        """Print the report; return how many items and files were lost (0 for a clean run)."""
        counts = Counter(outcome.status for outcome in outcomes)
        warnings = [(o.label, w) for o in outcomes for w in o.warnings]
        file_errors = [(s.path.name, e) for s in sources for e in s.errors]
        fetch_errors = fetcher.failures if fetcher is not None else []
        lost = (
            sum(1 for o in outcomes if o.lost)
            + sum(1 for s in sources if s.errors and not s.articles)
            + len(fetch_errors)
        )
        would = "would be " if dry_run else ""
        line = (
            f"Summary: {counts['imported']} {would}imported, {counts['updated']} {would}updated, "
            f"{counts['unchanged']} unchanged, {counts['left alone']} left alone, "
            f"{counts['skipped']} skipped, {len(warnings)} warnings"
        )
        style = self.style.SUCCESS if not (lost or file_errors) else self.style.WARNING
        self.stdout.write(style(line))
        for name, error in file_errors:
            self.stdout.write(f"  file {name}: {error}")
        for error in fetch_errors:
            self.stdout.write(f"  image not fetched: {error}")
        for outcome in outcomes:
            if outcome.status == "skipped":
                self.stdout.write(f"  skipped {outcome.label}: {outcome.reason}")
            elif outcome.status == "left alone":
                self.stdout.write(f"  left alone {outcome.label}: {outcome.reason}")
        if warnings:
            kinds = Counter(warning_kind(warning) for _label, warning in warnings)
            self.stdout.write("Warnings by kind:")
            for kind, count in kinds.most_common():
                self.stdout.write(f"  {count} x {kind}")
        item_lines = [f"  warning {label}: {warning}" for label, warning in warnings]
        if len(warnings) <= WARNING_LINES or self.verbosity >= 2:
            for item_line in item_lines:
                self.stdout.write(item_line)
        else:
            where = f"in {self.report_path}" if self.report_path else "with --report FILE or -v 2"
            self.stdout.write(f"  ({len(warnings)} warnings: one line per article {where})")
        if self.report_path:
            skipped = [
                f"  {o.status} {o.label}: {o.reason}"
                for o in outcomes
                if o.status in {"skipped", "left alone"}
            ]
            report = [line, *(f"  file {n}: {e}" for n, e in file_errors), *skipped, *item_lines]
            Path(self.report_path).write_text("\n".join(report) + "\n", encoding="utf-8")
        for source in sources:
            if source.ignored:
                kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(source.ignored.items()))
                self.stdout.write(f"  not articles in {source.path.name} (left out): {kinds}")
        return lost
