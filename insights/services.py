"""Moving counters from Redis into the daily rows, and purging rows past their retention.

A flush renames each day's hash to a batch name of its own (RENAME is atomic: a count made a
moment later starts a new hash), writes the batch into PostgreSQL with additive upserts, records
the batch name in the same transaction, and only then deletes the batch. A batch left behind by
a flush that failed is picked up by the next one, and written only if its name is not recorded:
no count is lost or counted twice.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections import Counter, defaultdict
from datetime import date, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from wagtail.models import Page, Site

from . import counting
from .models import CampaignSourceDay, CtaClickDay, FlushedBatch, PageViewDay

logger = logging.getLogger(__name__)

ViewKey = tuple[int, date]


def _site_for(host: str, sites: list[Site]) -> Site | None:
    hostname = host.split(":")[0].lower()
    for site in sites:
        if site.hostname == hostname:
            return site
    return next((site for site in sites if site.is_default_site), None)


def resolve_paths(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """(host, path) -> live page id, through each site's root page (one query for all)."""
    sites = list(Site.objects.select_related("root_page"))
    wanted: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for host, path in pairs:
        site = _site_for(host, sites)
        if site is None or not path.endswith("/"):
            continue
        wanted[site.root_page.url_path + path.lstrip("/")].append((host, path))
    found = Page.objects.live().filter(url_path__in=list(wanted)).values_list("url_path", "pk")
    return {pair: pk for url_path, pk in found for pair in wanted[url_path]}


def _upsert(model, keys: list[str], counts: dict[tuple, dict[str, int]]) -> None:
    """Add counts to the rows (created when missing) in one statement per row."""
    if not counts:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    for key, values in counts.items():
        columns = [*keys, *values]
        placeholders = ", ".join(["%s"] * len(columns))
        updates = ", ".join(
            f"{connection.ops.quote_name(name)} = {table}.{connection.ops.quote_name(name)}"
            f" + excluded.{connection.ops.quote_name(name)}"
            for name in values
        )
        sql = (
            f"INSERT INTO {table} ({', '.join(connection.ops.quote_name(c) for c in columns)}) "
            f"VALUES ({placeholders}) "
            f"ON CONFLICT ({', '.join(connection.ops.quote_name(c) for c in keys)}) "
            f"DO UPDATE SET {updates}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*key, *values.values()])


def apply_counts(day: date, counts: Counter | dict[str, int]) -> int:
    """Write one day's counted fields into the daily rows; returns the views written."""
    views: dict[ViewKey, Counter] = defaultdict(Counter)
    sources: dict[tuple, Counter] = defaultdict(Counter)
    clicks: dict[tuple, Counter] = defaultdict(Counter)
    by_path: list[tuple[tuple[str, str], str, str, int]] = []
    by_id: list[tuple[int, str, str, int]] = []
    click_rows: list[tuple[int, str, str, int]] = []
    for field, number in counts.items():
        try:
            kind, *rest = json.loads(field)
            if kind == counting.VIEW:
                host, path, ref, utm = rest
                by_path.append(((str(host), str(path)), str(ref), str(utm), int(number)))
            elif kind == counting.PAGE_VIEW:
                by_id.append((int(rest[0]), str(rest[1]), str(rest[2]), int(number)))
            elif kind == counting.CLICK:
                click_rows.append((int(rest[0]), str(rest[1]), str(rest[2]), int(number)))
        except (ValueError, TypeError):
            logger.warning("An unreadable insights counter field was dropped.")
    pages = resolve_paths({pair for pair, *_ in by_path})
    known = set(
        Page.objects.filter(pk__in={row[0] for row in by_id + click_rows}).values_list(
            "pk", flat=True
        )
    )
    rows = [(pages.get(pair), ref, utm, n) for pair, ref, utm, n in by_path]
    rows += [(pk, ref, utm, n) for pk, ref, utm, n in by_id if pk in known]
    total = 0
    for page_id, ref, utm, number in rows:
        if page_id is None or number <= 0:
            continue
        views[(page_id, day)]["views"] += number
        if ref in counting.KINDS:
            views[(page_id, day)][ref] += number
        if ref == counting.CAMPAIGN:
            sources[(page_id, day, utm[: counting.UTM_MAX])]["views"] += number
        total += number
    for page_id, cta, action, number in click_rows:
        if page_id in known and number > 0:
            clicks[(page_id, day, cta[: counting.CTA_MAX], action[:16])]["clicks"] += number
    zero = dict.fromkeys(("views", *counting.KINDS), 0)
    _upsert(
        PageViewDay, ["page_id", "day"], {key: {**zero, **value} for key, value in views.items()}
    )
    _upsert(
        CampaignSourceDay,
        ["page_id", "day", "utm_source"],
        {key: dict(value) for key, value in sources.items()},
    )
    _upsert(
        CtaClickDay,
        ["page_id", "day", "cta", "action"],
        {key: dict(value) for key, value in clicks.items()},
    )
    return total


def _decode(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def flush_counters() -> int:
    """Move every waiting count into the daily rows; returns the page views written."""
    written = 0
    backend = counting.redis_cache()
    if backend is None:
        for day, counts in counting.take_local().items():
            with transaction.atomic():
                written += apply_counts(date.fromisoformat(day), counts)
        return written
    counting.push()  # this process's own counts first (the flush may run in a web process)
    client = backend._cache.get_client(write=True)
    for key in list(client.scan_iter(match=backend.make_key(counting.DAY_PREFIX + "*"))):
        day = _decode(key).rsplit(":", 1)[-1]
        batch = backend.make_key(f"{counting.FLUSHING_PREFIX}{day}:{uuid.uuid4().hex}")
        try:
            client.rename(key, batch)
        except Exception as exc:  # the key vanished (another flush took it)
            logger.info("Insights day key not taken (%s).", type(exc).__name__)
    for key in list(client.scan_iter(match=backend.make_key(counting.FLUSHING_PREFIX + "*"))):
        name = _decode(key)
        day = date.fromisoformat(name.split(counting.FLUSHING_PREFIX, 1)[1].split(":")[0])
        data = {_decode(field): int(number) for field, number in client.hgetall(key).items()}
        with transaction.atomic():
            _, created = FlushedBatch.objects.get_or_create(name=name[:100])
            if created:
                written += apply_counts(day, data)
        client.delete(key)
    return written


def months_ago(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    month += 1
    for day in range(today.day, 0, -1):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    return date(year, month, 1)


def purge_old_counts() -> int:
    """Delete daily rows older than INSIGHTS_RETENTION_MONTHS (and old batch names)."""
    cutoff = months_ago(timezone.localdate(), settings.INSIGHTS_RETENTION_MONTHS)
    deleted = 0
    for model in (PageViewDay, CampaignSourceDay, CtaClickDay):
        deleted += model.objects.filter(day__lt=cutoff).delete()[0]
    FlushedBatch.objects.filter(flushed_at__lt=timezone.now() - timedelta(days=7)).delete()
    logger.info("Insights retention purge deleted %s daily rows.", deleted)
    return deleted
