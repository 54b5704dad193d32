"""manage.py import_articles: bring saved pages, text articles and WordPress exports over."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import Page, Site

from blog.importing import parse_path
from blog.importing.pages import ArticleImporter, Outcome
from blog.importing.sources import SourceResult
from blog.models import Author, BlogIndexPage

PROGRESS_FROM = 20


def resolve_parent(value: str) -> BlogIndexPage:
    """A page id, or a URL path on the default site such as /blog/."""
    page = None
    if value.strip().isdigit():
        page = Page.objects.filter(pk=int(value)).first()
    else:
        path = value.strip().strip("/")
        site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        candidates = []
        if site is not None:
            candidates.append(site.root_page.url_path + (f"{path}/" if path else ""))
        candidates.append(f"/{path}/" if path else "/")
        page = Page.objects.filter(url_path__in=candidates).first()
    if page is None:
        raise CommandError(f"No page found at {value!r}: give the blog's URL path or page id.")
    page = page.specific
    if not isinstance(page, BlogIndexPage):
        raise CommandError(
            f"{page.title!r} is a {page.specific_class._meta.verbose_name}; articles go under a "
            "blog index page."
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
            help="Publish imported articles (WordPress drafts and private posts stay unpublished)",
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

        sources = [parse_path(source) for source in options["sources"]]
        total = sum(len(source.articles) for source in sources)
        mode = " (dry run: nothing is saved)" if options["dry_run"] else ""
        self.stdout.write(
            f"Importing {total} article{'s' if total != 1 else ''} from {len(sources)} "
            f"source{'s' if len(sources) != 1 else ''} into {parent.title!r}{mode}"
        )
        importer = ArticleImporter(
            parent, author=author, publish=options["publish"], dry_run=options["dry_run"]
        )
        outcomes: list[Outcome] = []
        # Each article is saved in its own transaction; a dry run wraps them all and rolls back.
        with transaction.atomic() if options["dry_run"] else nullcontext():
            for source in sources:
                importer.image_dirs = self.image_dirs(source, images)
                for article in source.articles:
                    outcome = importer.run(article)
                    if len(sources) > 1 and source.path.name not in outcome.label:
                        outcome.label = f"[{source.path.name}] {outcome.label}"
                    outcomes.append(outcome)
                    self.report_progress(outcome, len(outcomes), total)
            relinked = importer.link_articles_imported_later()
            if options["dry_run"]:
                transaction.set_rollback(True)
        if relinked:
            self.stdout.write(
                f"Linked {relinked} article{'s' if relinked != 1 else ''} to articles imported "
                "after them."
            )
        self.summary(sources, outcomes, options["dry_run"])

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

    def summary(self, sources: list[SourceResult], outcomes: list[Outcome], dry_run: bool) -> None:
        counts = dict.fromkeys(("imported", "updated", "skipped"), 0)
        for outcome in outcomes:
            counts[outcome.status] += 1
        warnings = [(o.label, w) for o in outcomes for w in o.warnings]
        file_errors = [(s.path.name, e) for s in sources for e in s.errors]
        would = "would be " if dry_run else ""
        line = (
            f"Summary: {counts['imported']} {would}imported, {counts['updated']} {would}updated, "
            f"{counts['skipped']} skipped, {len(warnings)} warnings"
        )
        style = self.style.SUCCESS if not (counts["skipped"] or file_errors) else self.style.WARNING
        self.stdout.write(style(line))
        for name, error in file_errors:
            self.stdout.write(f"  file {name}: {error}")
        for outcome in outcomes:
            if outcome.status == "skipped":
                self.stdout.write(f"  skipped {outcome.label}: {outcome.reason}")
        for label, warning in warnings:
            self.stdout.write(f"  warning {label}: {warning}")
        for source in sources:
            if source.ignored:
                kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(source.ignored.items()))
                self.stdout.write(f"  not articles in {source.path.name} (left out): {kinds}")
