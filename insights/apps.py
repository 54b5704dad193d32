"""Insights: first-party, cookie-free counts of page views and CTA clicks, beside the requests."""

from django.apps import AppConfig


class InsightsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "insights"
    verbose_name = "Articles and requests"
