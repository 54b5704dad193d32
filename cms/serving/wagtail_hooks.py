"""The serving layer's Wagtail hooks."""

from wagtail import hooks

from cms.serving.prefetch import register_link_handlers

# After Wagtail's own link handlers, so these (same behaviour, preloaded) win.
hooks.register("register_rich_text_features", register_link_handlers, order=1000)
