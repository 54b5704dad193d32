"""Admin wiring of staff sign-in: the two-factor pages, the account menu, the sign-in reports."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import AdminOnlyMenuItem

from . import urls
from .viewsets import failed_sign_in_viewset, sign_in_viewset


@hooks.register("register_admin_urls")
def register_two_factor_urls():
    return [path("two-factor/", include(urls))]


@hooks.register("register_admin_viewset")
def register_sign_in_viewsets():
    return [failed_sign_in_viewset, sign_in_viewset]


@hooks.register("register_reports_menu_item")
def register_failed_sign_ins_report():
    return AdminOnlyMenuItem(
        "Failed sign-ins",
        reverse("accounts_failed_sign_ins:index"),
        name="failed-sign-ins",
        icon_name="warning",
        order=1100,
    )


@hooks.register("register_reports_menu_item")
def register_sign_ins_report():
    return AdminOnlyMenuItem(
        "Sign-ins",
        reverse("accounts_sign_ins:index"),
        name="sign-ins",
        icon_name="user",
        order=1110,
    )


@hooks.register("register_account_menu_item")
def register_two_factor_account_item(request):
    return {
        "url": reverse("accounts_two_factor:manage"),
        "label": "Two-factor sign-in",
        "help_text": "Your authenticator app and recovery codes.",
    }
