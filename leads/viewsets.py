"""The Leads area of the Wagtail admin, for Lead managers: the viewset and the dashboard panels.

Registered in wagtail_hooks.py. Reached only by the "Lead managers" group (change/view/export
permissions on Lead, granted by migration 0002) and superusers. No add, copy or delete views: leads
come only from intake and leave only by retention or `leads_forget_person`. The detail and export
columns come from `fields.ADMIN_FIELDS`.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.views.decorators.http import require_POST
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, Panel
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import ListingButton
from wagtail.models import Page

from . import audit
from .fields import ADMIN_FIELDS
from .models import Lead
from .monitoring import delivery_status
from .outbox import annotate_notification_problems, resend
from .services import add_note, change_status

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Spreadsheet formula injection: a text cell starting with = + - @ tab or CR gets a '."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


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


class LeadIndexView(generic.IndexView):
    """The pipeline list: spam is hidden unless asked for; exports need the export permission."""

    def get_base_queryset(self):
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

    def as_spreadsheet(self, queryset, spreadsheet_format):
        # Recorded before the file streams: which leads left the admin, in what format, how many.
        audit.record_export(queryset, self.request.user, spreadsheet_format)
        return super().as_spreadsheet(queryset, spreadsheet_format)

    def preprocess_field_value(self, field, value, export_format):
        return neutralise_formula(super().preprocess_field_value(field, value, export_format))

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


class LeadSummaryPanel(Panel):
    """Read-only: what the person sent, where it came from, its flags and its history."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "leads/admin/lead_summary_panel.html"

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            lead = Lead.objects.select_related("source_page").get(pk=self.instance.pk)
            context["lead"] = lead
            context["activities"] = lead.activities.select_related("actor")
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
    list_display = [
        "reference",
        "name",
        Column("status", label="Status", accessor="get_status_display", sort_key="status"),
        DateColumn("received_at", label="Received", sort_key="received_at"),
        Column("source_page", label="Source page", accessor="source_page"),
        FlagsColumn("flags", label="Flags"),
        NotificationColumn("notification", label="Notification"),
    ]
    list_filter = None
    filterset_class = LeadFilterSet
    search_fields = ["name", "email", "phone", "reference", "utm_campaign"]
    search_backend_name = None
    # Everything held about a request, in the detail view and in exports (consent included, so an
    # export can show when and to which text each person agreed).
    list_export = [field.column for field in ADMIN_FIELDS]
    export_filename = "consultation-requests"
    inspect_view_fields = list_export

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
