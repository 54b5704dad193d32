from django.apps import AppConfig


class ServingConfig(AppConfig):
    """The serving layer's app: connects its signal handlers, installs its three patches and
    registers the proxy deploy check."""

    name = "cms.serving"
    label = "serving"
    verbose_name = "Serving"

    def ready(self):
        from django.core import checks

        from cms.serving import patches, proxy, signal_handlers

        checks.register(proxy.check_proxy_count, checks.Tags.security, deploy=True)

        signal_handlers.connect()
        patches.install_site_root_paths()
        patches.install_template_renditions()
        patches.install_create_page_view()
