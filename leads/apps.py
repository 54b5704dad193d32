"""The Leads app: consultation requests, from intake to the admin, notification and deletion."""

from django.apps import AppConfig


class LeadsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "leads"
    verbose_name = "Consultation requests"

    def ready(self):
        from leads import health

        health.register()
