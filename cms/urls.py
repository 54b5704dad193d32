from django.conf import settings
from django.urls import include, path, re_path
from django.views.generic import TemplateView
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from blog.feeds import ArticlesFeed, AtomArticlesFeed
from cms.headless import views as headless_views
from cms.serving.headers import public_cache
from cms.serving.health import health
from cms.serving.media import serve_media
from home import search_views
from home.views import brand_stylesheet

from .api import api_router

urlpatterns = [
    path("health/", health, name="health"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    # Before the api/v2/ router: POST api/v2/leads/ and the consultation form's routes.
    path("", include("leads.urls")),
    path("", include("insights.urls")),
    path("api/v2/openapi.json", headless_views.openapi_view(api_router), name="openapi"),
    path("api/v2/ping/", headless_views.ping, name="api-ping"),
    path("api/v2/", api_router.urls),
    re_path(r"^api/", headless_views.not_found),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media, name="media")
    ]

urlpatterns += [
    path("sitemap.xml", public_cache(sitemap), name="sitemap"),
    path(
        "robots.txt",
        public_cache(TemplateView.as_view(template_name="robots.txt", content_type="text/plain")),
        name="robots",
    ),
    path("blog/feed/", public_cache(ArticlesFeed()), name="blog_feed_rss"),
    path("blog/feed/atom/", public_cache(AtomArticlesFeed()), name="blog_feed_atom"),
    path("search/", public_cache(search_views.search), name="search"),
    path("brand.css", public_cache(brand_stylesheet), name="brand_css"),
]

urlpatterns += [path("", include("cms.serving.urls"))]

handler400 = "cms.serving.errors.bad_request"
handler404 = "cms.serving.errors.page_not_found"
handler500 = "cms.serving.errors.server_error"
