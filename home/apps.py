from django.apps import AppConfig


class HomeConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "home"
    verbose_name = "Practice"

    def ready(self):
        from wagtail import hooks

        from . import api_prefetch, cache, refdata

        cache.connect_signals()
        refdata.install()
        # After Wagtail's own link handlers, so these (same behaviour, preloaded) win.
        hooks.register(
            "register_rich_text_features", api_prefetch.register_link_handlers, order=1000
        )
