"""Reports > Sign-ins and Failed sign-ins: django-axes' records, read-only, for superusers.

Who signed in or failed to, when, from which address and browser; never a password (axes keeps
none) and nothing about leads.
"""

from __future__ import annotations

from axes.models import AccessFailureLog, AccessLog
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.viewsets.model import ModelViewSet

READ_ONLY_URLS = {"index", "index_results", "inspect"}


class SignInRecordViewSet(ModelViewSet):
    """A read-only listing of one kind of axes record (superusers only, by model permission)."""

    add_to_admin_menu = False
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = True
    search_fields = ["username", "ip_address"]
    search_backend_name = None
    list_filter = ["attempt_time"]
    form_fields = ["username"]
    ordering = ["-attempt_time"]

    def get_common_view_kwargs(self, **kwargs):
        view_kwargs = super().get_common_view_kwargs(**kwargs)
        view_kwargs.update(
            add_url_name=None, edit_url_name=None, delete_url_name=None, usage_url_name=None
        )
        return view_kwargs

    def get_urlpatterns(self):
        return [
            pattern
            for pattern in super().get_urlpatterns()
            if getattr(pattern, "name", None) in READ_ONLY_URLS
        ]


class FailedSignInViewSet(SignInRecordViewSet):
    """Every failed sign-in, and whether it was refused because of a lockout."""

    model = AccessFailureLog
    url_prefix = "reports/failed-sign-ins"
    icon = "warning"
    menu_label = "Failed sign-ins"
    list_display = [
        DateColumn("attempt_time", label="When", sort_key="attempt_time"),
        "username",
        "ip_address",
        Column("locked_out", label="Locked out", accessor="locked_out"),
        "user_agent",
    ]
    inspect_view_fields = ["attempt_time", "username", "ip_address", "locked_out", "user_agent"]
    list_filter = ["attempt_time", "locked_out"]


class SignInViewSet(SignInRecordViewSet):
    """Every successful sign-in, and when its session was signed out."""

    model = AccessLog
    url_prefix = "reports/sign-ins"
    icon = "user"
    menu_label = "Sign-ins"
    list_display = [
        DateColumn("attempt_time", label="When", sort_key="attempt_time"),
        "username",
        "ip_address",
        DateColumn("logout_time", label="Signed out"),
        "user_agent",
    ]
    inspect_view_fields = ["attempt_time", "username", "ip_address", "logout_time", "user_agent"]


failed_sign_in_viewset = FailedSignInViewSet("accounts_failed_sign_ins")
sign_in_viewset = SignInViewSet("accounts_sign_ins")
