"""The Leads area of the admin: the viewset and the dashboard panels (all in leads/viewsets.py)."""

from wagtail import hooks

from . import audit
from .viewsets import DeliveryStalledPanel, NewLeadsPanel, can_manage_leads, lead_viewset


@hooks.register("register_admin_viewset")
def register_lead_viewset():
    return lead_viewset


@hooks.register("construct_homepage_panels")
def add_lead_panels(request, panels):
    if can_manage_leads(request.user):
        panels.append(DeliveryStalledPanel())
        panels.append(NewLeadsPanel())


@hooks.register("register_log_actions")
def register_lead_log_actions(actions):
    for action, label, message in audit.ACTIONS:
        actions.register_action(action, label, message)
    actions.register_action("leads.erase", "Erase requests", "Erased consultation requests")
