"""The report's place in the admin: its URL, the Reports menu item, and the page editor's panel."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .views import InsightsReportView, can_see_report


class InsightsMenuItem(MenuItem):
    def is_shown(self, request):
        return can_see_report(request.user)


@hooks.register("register_admin_urls")
def register_report_url():
    return [path("reports/articles/", InsightsReportView.as_view(), name="insights_report")]


@hooks.register("register_reports_menu_item")
def register_report_menu_item():
    return InsightsMenuItem(
        "Articles and requests",
        reverse("insights_report"),
        name="articles-and-requests",
        icon_name="doc-full",
        order=100,
    )
