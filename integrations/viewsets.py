"""The Integrations area of the admin: frontend API keys, webhook endpoints and their deliveries.

Keys: only a hash is stored; the key is shown once, in the message after it is created. Webhooks:
endpoints with their events, a "Send test" action, and the delivery history with status codes.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from .keys import KEY_HEADER, assign_new_key
from .models import FrontendKey, WebhookDelivery, WebhookEndpoint
from .webhooks import check_url, queue_test


class FrontendKeyCreateView(generic.CreateView):
    """Creates the key, stores its hash, and shows the key once in the success message."""

    def save_instance(self):
        instance = self.form.save(commit=False)
        self.new_key = assign_new_key(instance)
        instance.save()
        return instance

    def get_success_message(self, instance):
        return (
            f"Key for “{instance.name}” created. Copy it now, it is not shown again: "
            f"{self.new_key} (send it as the {KEY_HEADER} header, from your server only)."
        )


class FrontendKeyViewSet(ModelViewSet):
    model = FrontendKey
    icon = "key"
    menu_label = "Frontend API keys"
    form_fields = ["name", "active"]
    list_display = ["name", "prefix", "active", "created_at", "last_used_at"]
    add_view_class = FrontendKeyCreateView
    add_to_admin_menu = False


class WebhookEndpointForm(WagtailAdminModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="What to send.",
    )

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        check_url(url)
        return url


class WebhookEndpointEditView(generic.EditView):
    @property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        buttons.append(
            HeaderButton(
                "Send test",
                url=reverse("webhookendpoint:send_test", args=[self.object.pk]),
                icon_name="mail",
            )
        )
        buttons.append(
            HeaderButton(
                "Deliveries",
                url=reverse("webhookdelivery:index") + f"?endpoint={self.object.pk}",
                icon_name="history",
            )
        )
        return buttons


class WebhookEndpointViewSet(ModelViewSet):
    model = WebhookEndpoint
    icon = "link"
    menu_label = "Webhooks"
    form_fields = ["name", "url", "secret", "events", "active"]
    list_display = ["name", "url", "active"]
    add_to_admin_menu = False
    edit_view_class = WebhookEndpointEditView

    def get_form_class(self, for_update=False):
        return forms.modelform_factory(
            self.model, form=WebhookEndpointForm, fields=self.form_fields
        )

    def send_test_view(self, request, pk):
        """GET: confirm; POST: queue a `ping` delivery and show the delivery history."""
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        endpoint = get_object_or_404(WebhookEndpoint, pk=pk)
        if request.method == "POST":
            queue_test(endpoint)
            messages.success(request, f"Test delivery queued for “{endpoint.name}”.")
            return redirect(reverse("webhookdelivery:index") + f"?endpoint={endpoint.pk}")
        return TemplateResponse(
            request, "integrations/send_test.html", {"endpoint": endpoint, "header_icon": "mail"}
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/test/", self.send_test_view, name="send_test"),
        ]


class WebhookDeliveryViewSet(ModelViewSet):
    """The delivery history: read-only, newest first, filterable by endpoint and state."""

    model = WebhookDelivery
    icon = "history"
    menu_label = "Webhook deliveries"
    list_display = [
        Column("event", label="Event"),
        Column("endpoint", label="Endpoint"),
        Column("state", label="State", accessor="get_state_display"),
        Column("status_code", label="Status code"),
        Column("attempts", label="Attempts"),
        Column("last_error", label="Last error"),
        DateColumn("created_at", label="Queued"),
        DateColumn("sent_at", label="Delivered"),
    ]
    list_filter = ["endpoint", "state", "event"]
    form_fields = ["event"]
    inspect_view_enabled = True
    add_to_admin_menu = False

    def get_index_view_kwargs(self, **kwargs):
        return {**super().get_index_view_kwargs(**kwargs), "add_url_name": None}

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", "") not in {"add", "edit", "delete", "copy"}
        ]


class IntegrationsGroup(ViewSetGroup):
    menu_label = "Integrations"
    menu_icon = "link-external"
    menu_order = 900
    items = (
        FrontendKeyViewSet("frontendkey"),
        WebhookEndpointViewSet("webhookendpoint"),
        WebhookDeliveryViewSet("webhookdelivery"),
    )
