"""The "Articles and requests" report in the admin (Reports menu), its CSV, and the page panel."""

from __future__ import annotations

import csv

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import report

PERMISSION = "insights.view_insights"
STATUS_PERMISSION = "leads.view_lead"


def can_see_report(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm(PERMISSION))


def can_see_status(user) -> bool:
    """The requests' later status is lead data: Lead managers (and superusers) only."""
    return user.is_active and (user.is_superuser or user.has_perm(STATUS_PERMISSION))


class PeriodForm(forms.Form):
    """Last 7, 30 or 90 days, or two dates."""

    range = forms.ChoiceField(
        choices=[(str(n), f"Last {n} days") for n in report.PRESETS] + [("custom", "Dates")],
        required=False,
        initial="30",
        label="Period",
    )
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("range") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError("Choose a start and an end date.")
            if start > end:
                raise forms.ValidationError("The start date must be on or before the end date.")
            if (end - start).days >= report.MAX_DAYS:
                raise forms.ValidationError(f"Choose at most {report.MAX_DAYS} days.")
        return data

    def period(self) -> report.Period:
        if not self.is_valid():
            return report.last_days(30)
        choice = self.cleaned_data.get("range") or "30"
        if choice == "custom":
            return report.Period(self.cleaned_data["start"], self.cleaned_data["end"])
        return report.last_days(int(choice))


class InsightsReportView(WagtailAdminTemplateMixin, TemplateView):
    """Per page and per CTA: views, clicks, requests and conversion, with a chart and a CSV."""

    template_name = "insights/report.html"
    page_title = "Articles and requests"
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args, **kwargs):
        if not can_see_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request: HttpRequest, *args, **kwargs):
        form = PeriodForm(request.GET or None)
        period = form.period()
        pages = report.page_rows(period)
        with_status = can_see_status(request.user)
        if request.GET.get("export") == "csv":
            return csv_response(period, pages, with_status)
        totals = report.PageRow(page_id=0)
        for row in pages:
            totals.views += row.views
            totals.clicks += row.clicks
            totals.requests += row.requests
        context = self.get_context_data(
            form=form,
            period=period,
            pages=pages,
            ctas=report.cta_rows(period, pages),
            totals=totals,
            with_status=with_status,
            chart=mark_safe(report.chart_svg(period)),  # noqa: S308 (drawn here, no input)
            export_query=_export_query(request),
        )
        return self.render_to_response(context)


def _export_query(request: HttpRequest) -> str:
    query = request.GET.copy()
    query["export"] = "csv"
    return query.urlencode()


def csv_response(period: report.Period, pages: list[report.PageRow], with_status: bool):
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"articles-and-requests-{period.start}-{period.end}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    writer = csv.writer(response)
    heading = ["Page", "URL", "Views", *report.KIND_FIELDS, "CTA clicks", "Requests"]
    heading += ["Conversion (%)"]
    if with_status:
        heading += ["Contacted", "Booked", "Became clients"]
    writer.writerow(heading)
    for row in pages:
        line = [_safe_cell(row.title), row.url, row.views]
        line += [row.kinds.get(name, 0) for name in report.KIND_FIELDS]
        line += [row.clicks, row.requests, "" if row.conversion is None else row.conversion]
        if with_status:
            line += [row.contacted, row.booked, row.clients]
        writer.writerow(line)
    return response


def _safe_cell(value: str) -> str:
    """A title a spreadsheet would read as a formula gets a leading apostrophe."""
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def page_figures(page_id: int, user, days: int = 30) -> dict:
    """The last `days` days of one page, for the panel on its edit view."""
    period = report.last_days(days)
    rows = report.page_rows(period, page_id=page_id)
    row = rows[0] if rows else report.PageRow(page_id=page_id)
    return {
        "row": row,
        "period": period,
        "days": days,
        "with_status": can_see_status(user),
        "can_see_report": can_see_report(user),
    }
