"""The figures of the "Articles and requests" report: views, CTA clicks and requests per page.

Requests are counted by their source page (and, for their later status, by that status today);
they are never joined to a view: views and requests are two separate counts per page and day.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from xml.etree import ElementTree

import pygal
from django.db.models import Count, Q, Sum
from django.utils import timezone
from wagtail.models import Page

from leads.models import Lead

from .models import CtaClickDay, PageViewDay

PRESETS = (7, 30, 90)
MAX_DAYS = 800
KIND_FIELDS = ("search", "social", "direct", "internal", "other", "campaign")
STATUS_FIELDS = ("contacted", "booked", "clients")


@dataclass(frozen=True)
class Period:
    """The days the report covers, both included, in the practice's time zone."""

    start: date
    end: date

    @property
    def days(self) -> list[date]:
        return [self.start + timedelta(days=n) for n in range((self.end - self.start).days + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        zone = timezone.get_current_timezone()
        return (
            datetime.combine(self.start, time.min, tzinfo=zone),
            datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone),
        )


def last_days(number: int, today: date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today - timedelta(days=number - 1), today)


@dataclass
class PageRow:
    """One page's figures for the period."""

    page_id: int
    title: str = ""
    url: str = ""
    views: int = 0
    clicks: int = 0
    requests: int = 0
    contacted: int = 0
    booked: int = 0
    clients: int = 0
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def conversion(self) -> float | None:
        """Requests per 100 views, or None without views."""
        return round(100 * self.requests / self.views, 1) if self.views else None


@dataclass
class CtaRow:
    """One call to action's clicks on one page for the period."""

    page_id: int
    page_title: str
    cta: str
    action: str
    label: str
    clicks: int
    views: int

    @property
    def click_rate(self) -> float | None:
        return round(100 * self.clicks / self.views, 1) if self.views else None


def _leads(period: Period):
    start, end = period.bounds()
    return Lead.objects.filter(
        is_spam=False,
        received_at__gte=start,
        received_at__lt=end,
        source_page__isnull=False,
    ).exclude(status=Lead.Status.SPAM)


def page_rows(period: Period, page_id: int | None = None) -> list[PageRow]:
    """Every page with a view, a click or a request in the period, most requests first."""
    views = PageViewDay.objects.filter(day__range=(period.start, period.end))
    clicks = CtaClickDay.objects.filter(day__range=(period.start, period.end))
    leads = _leads(period)
    if page_id is not None:
        views, clicks, leads = (
            views.filter(page_id=page_id),
            clicks.filter(page_id=page_id),
            leads.filter(source_page_id=page_id),
        )
    rows: dict[int, PageRow] = {}

    def row(pk: int) -> PageRow:
        return rows.setdefault(pk, PageRow(page_id=pk))

    for item in views.values("page_id").annotate(
        total=Sum("views"), **{name: Sum(name) for name in KIND_FIELDS}
    ):
        target = row(item["page_id"])
        target.views = item["total"] or 0
        target.kinds = {name: item[name] or 0 for name in KIND_FIELDS}
    for item in clicks.values("page_id").annotate(total=Sum("clicks")):
        row(item["page_id"]).clicks = item["total"] or 0
    later = ~Q(status__in=[Lead.Status.NEW, Lead.Status.SPAM])
    for item in leads.values("source_page_id").annotate(
        total=Count("pk"),
        contacted=Count("pk", filter=later),
        booked=Count("pk", filter=Q(status__in=[Lead.Status.BOOKED, Lead.Status.CLIENT])),
        clients=Count("pk", filter=Q(status=Lead.Status.CLIENT)),
    ):
        target = row(item["source_page_id"])
        target.requests = item["total"]
        target.contacted, target.booked, target.clients = (
            item["contacted"],
            item["booked"],
            item["clients"],
        )
    for page in Page.objects.filter(pk__in=list(rows)).only("pk", "title", "url_path"):
        rows[page.pk].title = page.title
        rows[page.pk].url = page.get_url() or ""
    return sorted(rows.values(), key=lambda r: (-r.requests, -r.views, r.title))


def _cta_labels(page_ids: set[int]) -> dict[tuple[int, str], str]:
    """CTA block id -> a readable name (its heading or button label), read from each page."""
    labels: dict[tuple[int, str], str] = {}
    for page in Page.objects.filter(pk__in=page_ids).specific():
        for stream_name in ("body",):
            stream = getattr(page, stream_name, None)
            for child in stream or []:
                if child.block_type != "cta":
                    continue
                value = child.value
                heading = value.heading() if hasattr(value, "heading") else ""
                labels[(page.pk, child.id)] = heading or "Call to action"
    return labels


def cta_rows(period: Period, pages: list[PageRow], page_id: int | None = None) -> list[CtaRow]:
    clicks = CtaClickDay.objects.filter(day__range=(period.start, period.end))
    if page_id is not None:
        clicks = clicks.filter(page_id=page_id)
    items = list(clicks.values("page_id", "cta", "action").annotate(total=Sum("clicks")))
    by_page = {row.page_id: row for row in pages}
    labels = _cta_labels({item["page_id"] for item in items})
    result = [
        CtaRow(
            page_id=item["page_id"],
            page_title=by_page[item["page_id"]].title if item["page_id"] in by_page else "",
            cta=item["cta"],
            action=item["action"],
            label=labels.get((item["page_id"], item["cta"]), "Call to action (removed)"),
            clicks=item["total"] or 0,
            views=by_page[item["page_id"]].views if item["page_id"] in by_page else 0,
        )
        for item in items
    ]
    return sorted(result, key=lambda r: (-r.clicks, r.page_title))


def daily_series(period: Period, page_id: int | None = None) -> tuple[list[int], list[int]]:
    """(views per day, requests per day) over the period."""
    views = PageViewDay.objects.filter(day__range=(period.start, period.end))
    leads = _leads(period)
    if page_id is not None:
        views, leads = views.filter(page_id=page_id), leads.filter(source_page_id=page_id)
    per_day_views: dict[date, int] = defaultdict(int)
    for item in views.values("day").annotate(total=Sum("views")):
        per_day_views[item["day"]] = item["total"] or 0
    per_day_leads: dict[date, int] = defaultdict(int)
    zone = timezone.get_current_timezone()
    for received in leads.values_list("received_at", flat=True):
        per_day_leads[timezone.localtime(received, zone).date()] += 1
    days = period.days
    return [per_day_views[day] for day in days], [per_day_leads[day] for day in days]


def chart_svg(period: Period, page_id: int | None = None, title: str = "") -> str:
    """Views and requests per day as an SVG drawn here (pygal), with no script and no link out."""
    views, requests = daily_series(period, page_id)
    chart = pygal.Line(
        js=[],
        disable_xml_declaration=True,
        width=900,
        height=320,
        explicit_size=False,
        show_dots=len(views) <= 31,
        x_label_rotation=0,
        show_minor_x_labels=False,
        truncate_label=-1,
        legend_at_bottom=True,
        title=title or None,
        style=pygal.style.CleanStyle,
    )
    labels = [day.strftime("%b %-d") for day in period.days]
    chart.x_labels = labels
    chart.x_labels_major = labels[:: max(1, len(labels) // 8)]
    chart.add("Views", views)
    chart.add("Requests", requests, secondary=True)
    tree = chart.render_tree()
    # pygal always writes its tooltip configuration as an inline script: drawn, not scripted.
    for parent in tree.iter():
        for child in list(parent):
            if str(child.tag).endswith("script"):
                parent.remove(child)
    return ElementTree.tostring(tree, encoding="unicode")
