"""The Leads area of the admin: the viewset and the dashboard panel (both in leads/viewsets.py)."""

from wagtail import hooks

from .viewsets import NewLeadsPanel, can_manage_leads, lead_viewset


@hooks.register("register_admin_viewset")
def register_lead_viewset():
    return lead_viewset


@hooks.register("construct_homepage_panels")
def add_new_leads_panel(request, panels):
    if can_manage_leads(request.user):
        panels.append(NewLeadsPanel())
