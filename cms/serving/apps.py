from django.apps import AppConfig


class ServingConfig(AppConfig):
    """The serving layer's app: connects its signal handlers and installs its two patches."""

    name = "cms.serving"
    label = "serving"
    verbose_name = "Serving"

    def ready(self):
        from cms.serving import patches, signal_handlers

        signal_handlers.connect()
        patches.install_site_root_paths()
        patches.install_template_renditions()
