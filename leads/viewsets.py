"""The Leads area of the Wagtail admin, for Lead managers: the viewset and the dashboard panels.

Registered in wagtail_hooks.py. Reached only by the "Lead managers" group (change/view/export
permissions on Lead, granted by migration 0002) and superusers. No add, copy or delete views: leads
come only from intake and leave only by retention or `leads_forget_person`. The list is made for
calling back (name, a tel:/sms:/mailto: link for the preferred contact, preferred times, age,
status); the detail page suggests the next step with one-click status steps. The detail and
export columns come from `fields.ADMIN_FIELDS` (exports add the notes), written in the practice's
time zone with labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.models import Page

from . import audit
from .fields import ADMIN_FIELDS
from .models import Lead, LeadActivity
from .monitoring import delivery_status
from .outbox import annotate_notification_problems, resend
from .services import add_note, change_status

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: A sign followed only by digits, spaces and dots is a number (a phone such as +1 408 555 0142),
#: which a spreadsheet cannot run: it keeps its form.
PLAIN_NUMBER = re.compile(r"[+-][\d .]*\d")


def neutralise_formula(value):
    """CSV formula injection: a text cell that a spreadsheet would run as a formula (starting
    with = + - @ tab or CR, and not a plain signed number) gets a leading '."""
    if (
        isinstance(value, str)
        and value.startswith(FORMULA_PREFIXES)
        and not PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def age_label(received_at: datetime, now: datetime | None = None) -> str:
    """How long ago a request came in, as a caller thinks of it: "just now", "25 min ago",
    "2 h ago", "3 days ago"."""
    seconds = max(0, int(((now or timezone.now()) - received_at).total_seconds()))
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{seconds // 60} min ago"
    if seconds < 86400:
        return f"{seconds // 3600} h ago"
    days = seconds // 86400
    return "1 day ago" if days == 1 else f"{days} days ago"


@dataclass(frozen=True)
class NextStep:
    """What a Lead manager should do next with a request, and the statuses that record it."""

    text: str
    link: tuple[str, str] | None = None  # (label, href)
    actions: tuple[tuple[str, str], ...] = ()  # (status, button label)


def next_step(lead: Lead) -> NextStep:
    """The suggested next step for the lead's status (the workflow new -> contacted -> booked
    -> client, with "not a fit" and "closed" as ends)."""
    Status = Lead.Status
    contact = lead.contact_link()
    first = lead.first_name or "them"
    if lead.is_spam:
        return NextStep("Marked as spam. If it is a real request, mark it as not spam.")
    if lead.status == Status.NEW:
        if contact is None:
            return NextStep(
                "No contact detail to use.", actions=((Status.NOT_A_FIT, "Mark not a fit"),)
            )
        verb, shown, href = contact
        when = f" They prefer: {lead.preferred_times}." if lead.preferred_times else ""
        return NextStep(
            f"{verb} {first} now.{when}",
            link=(f"{verb} {first} now: {shown}", href),
            actions=((Status.CONTACTED, "Mark as contacted"), (Status.NOT_A_FIT, "Not a fit")),
        )
    if lead.status == Status.CONTACTED:
        return NextStep(
            f"Book {first}'s free consultation, or record that it is not a fit.",
            link=(f"{contact[0]} {first}: {contact[1]}", contact[2]) if contact else None,
            actions=(
                (Status.BOOKED, "Mark consultation booked"),
                (Status.NOT_A_FIT, "Not a fit"),
                (Status.CLOSED, "Close"),
            ),
        )
    if lead.status == Status.BOOKED:
        return NextStep(
            "After the consultation, record how it went.",
            actions=((Status.CLIENT, "Became client"), (Status.NOT_A_FIT, "Not a fit")),
        )
    if lead.status == Status.CLIENT:
        return NextStep(
            "Became a client: nothing more to do here.", actions=((Status.CLOSED, "Close"),)
        )
    return NextStep("Closed: nothing more to do.")


def can_manage_leads(user) -> bool:
    return user.is_active and (user.is_superuser or user.has_perm("leads.change_lead"))


class LeadFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=Lead.Status.choices, label="Status")
    received_at = django_filters.DateFromToRangeFilter(
        label="Received", widget=DateRangePickerWidget
    )
    source_page = django_filters.ModelChoiceFilter(
        label="Source page",
        queryset=lambda request: Page.objects.filter(
            pk__in=Lead.objects.exclude(source_page=None).values("source_page")
        ).order_by("title"),
    )
    is_spam = django_filters.BooleanFilter(label="Spam")
    is_duplicate = django_filters.BooleanFilter(label="Duplicate")
    notification = django_filters.ChoiceFilter(
        label="Notification",
        choices=[
            ("problem", "Failed or retrying"),
            ("dead", "Failed: needs a re-send"),
            ("failed", "Retrying"),
        ],
        method="filter_notification",
    )

    def filter_notification(self, queryset, name, value):
        states = {"problem": ["dead", "failed"], "dead": ["dead"], "failed": ["failed"]}[value]
        return queryset.filter(notifications__state__in=states).distinct()

    class Meta:
        model = Lead
        fields = ["status", "received_at", "source_page", "is_spam", "is_duplicate"]


class FlagsColumn(Column):
    """Spam, duplicate and unverified-captcha flags in one compact cell."""

    def get_value(self, instance):
        flags = []
        if instance.is_spam:
            flags.append("Spam")
        if instance.is_duplicate:
            flags.append("Duplicate")
        if instance.captcha_unverified:
            flags.append("Captcha unverified")
        return ", ".join(flags) or "—"


class NotificationColumn(Column):
    """Badge: the practice has not been told of this request (failed, or still retrying)."""

    cell_template_name = "leads/admin/notification_cell.html"

    def get_value(self, instance):
        if getattr(instance, "notification_dead", False):
            return "Notification failed"
        if getattr(instance, "notification_failing", False):
            return "Notification retrying"
        return ""


class ContactColumn(Column):
    """The way the person asked to be reached, as a link that starts it (tel:, sms:, mailto:)."""

    cell_template_name = "leads/admin/contact_cell.html"

    def get_value(self, instance):
        return instance.get_preferred_contact_display()

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["contact"] = instance.contact_link()
        return context


class AgeColumn(Column):
    """How long ago the request came in ("2 h ago"), with the exact time on hover."""

    cell_template_name = "leads/admin/age_cell.html"

    def get_value(self, instance):
        return age_label(instance.received_at)


class LeadIndexView(generic.IndexView):
    """The pipeline list: spam is hidden unless asked for; exports need the export permission."""

    def _base_queryset(self):
        queryset = super().get_base_queryset().select_related("source_page")
        queryset = annotate_notification_problems(queryset)
        asked_for_spam = self.request.GET.get("is_spam") in {"true", "True", "1"} or (
            self.request.GET.get("status") == Lead.Status.SPAM
        )
        if not asked_for_spam and self.request.GET.get("is_spam") not in {"false", "False"}:
            queryset = queryset.exclude(is_spam=True)
        return queryset

    def get(self, request, *args, **kwargs):
        if self.is_export and not request.user.has_perm("leads.export_lead"):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_base_queryset(self):
        queryset = self._base_queryset()
        if self.is_export:
            queryset = queryset.prefetch_related("activities__actor")
        return queryset

    # Exports: the practice's time zone to the second, labels instead of codes, and the notes.

    def to_row_dict(self, item):
        return {field: export_value(item, field) for field in self.list_export}

    def get_heading(self, queryset, field):
        if field == "notes":
            return "Notes"
        heading = super().get_heading(queryset, field)
        if field in DATETIME_COLUMNS:
            heading += f" ({settings.TIME_ZONE})"
        return heading

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Recorded before the file streams: which leads left the admin, in what format, how many.
        audit.record_export(queryset, self.request.user, spreadsheet_format)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        if export_format == self.FORMAT_CSV:
            return neutralise_formula(value)
        return value  # XLSX: text cells are written as strings, never run as formulas

    def generate_xlsx_row(self, worksheet, row_dict, date_format=None):
        for cell in super().generate_xlsx_row(worksheet, row_dict, date_format=date_format):
            if isinstance(cell.value, str):
                cell.data_type = "s"  # a phone number stays text, with no visible quote
            yield cell

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        if getattr(instance, "notification_dead", False) or getattr(
            instance, "notification_failing", False
        ):
            buttons.append(
                ListingButton(
                    "Re-send notification",
                    url=reverse("leads_lead:resend_notification", args=[instance.pk]),
                    icon_name="mail",
                    attrs={"data-controller": "w-action", "data-w-action-continue-value": "true"},
                    priority=6,
                )
            )
        return buttons


DATETIME_COLUMNS = {"received_at", "consented_at"}


def export_value(lead: Lead, column: str):
    """A lead's column as the export shows it: choice labels, Yes/No, a page's title, times in
    the practice's time zone (settings.TIME_ZONE) to the second, and the notes with their dates."""
    if column == "notes":
        return "\n".join(
            f"{_local(activity.created_at):%Y-%m-%d %H:%M}"
            f" {_actor_name(activity.actor)}: {activity.text}"
            for activity in lead.activities.all()
            if activity.kind == LeadActivity.Kind.NOTE
        )
    value = getattr(lead, column)
    field = Lead._meta.get_field(column)
    if field.choices:
        return getattr(lead, f"get_{column}_display")()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return _local(value)
    if isinstance(value, Page):
        return value.title
    return "" if value is None else value


def _local(moment: datetime) -> datetime:
    """A naive local time without microseconds (what a spreadsheet shows as written)."""
    local = moment.astimezone(ZoneInfo(settings.TIME_ZONE))
    return local.replace(microsecond=0, tzinfo=None)


def _actor_name(user) -> str:
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()


class LeadSummaryPanel(Panel):
    """Read-only: what the person sent, where it came from, its flags and its history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "leads/admin/lead_summary_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            lead = Lead.objects.select_related("source_page").get(pk=self.instance.pk)
            context["lead"] = lead
            context["activities"] = lead.activities.select_related("actor")
            context["next_step"] = next_step(lead)
            context["status_labels"] = dict(Lead.Status.choices)
            context["access_trail"] = audit.trail(lead)
            return context


class LeadStatusForm(WagtailAdminModelForm):
    """Staff change a lead's status and add a note; both are recorded with who and when."""

    note = forms.CharField(
        label="Add a note",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Internal: only Lead managers see notes. Avoid clinical details.",
    )

    class Meta:
        model = Lead
        fields = ["status"]


class LeadEditView(generic.EditView):
    """The lead's page: its details and history, with the status and a new note to save."""

    success_message = "Request '%(object)s' updated."

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit.record(self.object, audit.VIEW, request.user)
        return response

    def save_instance(self):
        lead = Lead.objects.get(pk=self.object.pk)
        change_status(lead, self.form.cleaned_data["status"], self.request.user)
        if note := self.form.cleaned_data.get("note", "").strip():
            add_note(lead, note, self.request.user)
        return lead


@require_POST
def not_spam(request, pk):
    """The "not spam" action: back to new, and the practice is notified as for any lead."""
    if not can_manage_leads(request.user):
        raise PermissionDenied
    lead = get_object_or_404(Lead, pk=pk)
    if lead.is_spam:
        change_status(lead, Lead.Status.NEW, request.user)
        messages.success(request, f"{lead} marked as not spam.")
    return redirect("leads_lead:edit", lead.pk)


@require_POST
def advance(request, pk):
    """A next-step button on the lead's page: move it along its workflow in one click."""
    if not can_manage_leads(request.user):
        raise PermissionDenied
    lead = get_object_or_404(Lead, pk=pk)
    status = request.POST.get("next_status", "")
    allowed = {choice for choice, _ in next_step(lead).actions}
    if status not in allowed:
        messages.error(request, "That step does not apply to this request any more.")
    else:
        change_status(lead, status, request.user)
        messages.success(request, f"{lead} marked as {Lead.Status(status).label.lower()}.")
    return redirect("leads_lead:edit", lead.pk)


@require_POST
def resend_notification(request, pk):
    """Re-send a lead's failed notification (after fixing the mail settings, say)."""
    if not can_manage_leads(request.user):
        raise PermissionDenied
    lead = get_object_or_404(Lead, pk=pk)
    if resend(lead):
        audit.record(lead, audit.RESEND, request.user)
        messages.success(request, f"Notification for {lead} queued again.")
    return redirect("leads_lead:index")


class LeadInspectView(generic.InspectView):
    """The read-only detail of a lead; each look is recorded in its access trail."""

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        audit.record(self.object, audit.VIEW, request.user)
        return response


class LeadViewSet(ModelViewSet):
    """The Leads area of the admin (Lead managers and superusers only)."""

    model = Lead
    url_prefix = "leads/lead"
    icon = "mail"
    menu_label = "Leads"
    menu_order = 250
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = LeadIndexView
    edit_view_class = LeadEditView
    inspect_view_class = LeadInspectView
    form_fields = ["status"]
    # Made for calling back: who, how they want to be reached (a link that starts it), when,
    # how long they have waited and where the request stands.
    list_display = [
        "name",
        ContactColumn("preferred_contact", label="Preferred contact"),
        Column("preferred_times", label="Preferred times"),
        AgeColumn("received_at", label="Age", sort_key="received_at"),
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        FlagsColumn("flags", label="Flags"),
        NotificationColumn("notification", label="Notification"),
    ]
    list_filter = None
    filterset_class = LeadFilterSet
    search_fields = ["name", "email", "phone", "reference", "utm_campaign"]
    search_backend_name = None
    # Everything held about a request, in the detail view and in exports (consent included, so an
    # export can show when and to which text each person agreed).
    inspect_view_fields = [field.column for field in ADMIN_FIELDS]
    list_export = [*inspect_view_fields, "notes"]
    export_filename = "consultation-requests"

    def get_form_class(self, for_update=False):
        return LeadStatusForm

    def get_edit_handler(self):
        return ObjectList(
            [
                LeadSummaryPanel(heading="Request"),
                FieldPanel("status"),
                FieldPanel("note"),
            ]
        ).bind_to_model(self.model)

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(add_url_name=None, delete_url_name=None, usage_url_name=None)
        return view_kwargs

    def get_urlpatterns(self):
        removed = {"add", "delete", "usage", "copy"}
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", None) not in removed
        ] + [
            path("not-spam/<int:pk>/", not_spam, name="not_spam"),
            path("advance/<int:pk>/", advance, name="advance"),
            path("resend/<int:pk>/", resend_notification, name="resend_notification"),
        ]


class NewLeadsPanel(Component):
    """Dashboard panel: how many consultation requests are waiting (Lead managers only)."""

    name = "new_leads"
    order = 50
    template_name = "leads/admin/new_leads_panel.html"

    def get_context_data(self, parent_context=None):
        return {
            "new_count": Lead.objects.filter(status=Lead.Status.NEW, is_spam=False).count(),
            "index_url": reverse("leads_lead:index") + f"?status={Lead.Status.NEW}",
        }


class DeliveryStalledPanel(Component):
    """Dashboard banner: requests are stored but the practice is not emailed (worker silent or
    outbox lagging), and since when. Shown above every other panel, to Lead managers only."""

    name = "delivery_stalled"
    order = -100
    template_name = "leads/admin/delivery_stalled_panel.html"

    def render_html(self, parent_context=None):
        self.status = delivery_status()
        if not self.status.stalled:
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        return {
            "worker": self.status.worker,
            "outbox": self.status.outbox,
            "index_url": reverse("leads_lead:index"),
        }


lead_viewset = LeadViewSet("leads_lead")
