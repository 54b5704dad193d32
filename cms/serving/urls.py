"""Public page URLs: Wagtail's own (`wagtail.urls`), with the project's serve view in front."""

from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls

from cms.serving.views import favicon, serve

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    re_path(wagtail_urls.serve_pattern, serve, name="wagtail_serve"),
    # Wagtail's password and login views for view-restricted pages; its serve pattern is shadowed.
    path("", include(wagtail_urls)),
]
