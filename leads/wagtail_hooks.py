"""The Leads area of the admin: the viewset (leads/views.py) and the dashboard panel."""

from wagtail import hooks

from .views import NewLeadsPanel, can_manage_leads, lead_viewset


@hooks.register("register_admin_viewset")
def register_lead_viewset():
    return lead_viewset


@hooks.register("construct_homepage_panels")
def add_new_leads_panel(request, panels):
    if can_manage_leads(request.user):
        panels.append(NewLeadsPanel())
