"""The Integrations menu of the admin (viewsets in integrations/viewsets.py)."""

from wagtail import hooks

from .viewsets import IntegrationsGroup


@hooks.register("register_admin_viewset")
def register_integrations():
    return IntegrationsGroup()
