"""The Integrations app: frontend API keys and publish webhooks."""

from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "integrations"
    verbose_name = "Frontend integrations"

    def ready(self):
        from integrations import signal_handlers

        signal_handlers.connect()
