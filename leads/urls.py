"""Public routes: the HTML form's target and thank-you page, and the JSON intake endpoint.

Included before the `api/v2/` router in cms/urls.py, so `api/v2/leads/` is matched here.
"""

from django.urls import path

from . import api, views

app_name = "leads"

urlpatterns = [
    path("api/v2/leads/", api.intake, name="api-intake"),
    path("api/v2/forms/consultation/", api.consultation_form, name="api-form"),
    path("consultation/", views.consultation, name="consultation"),
    path("consultation/thanks/", views.thanks, name="thanks"),
]
