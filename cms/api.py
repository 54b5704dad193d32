"""The headless API router: `/api/v2/`. Endpoints live in their apps; this file only wires them."""

from wagtail.api.v2.router import WagtailAPIRouter

from blog.api import ArticlePagesAPIViewSet, AuthorsAPIViewSet, CategoriesAPIViewSet
from cms.headless.openapi import register_operation
from cms.headless.views import ping_operation
from cms.headless.viewsets import (
    DocumentsAPIViewSet,
    ImagesAPIViewSet,
    PreviewAPIViewSet,
    RedirectsAPIViewSet,
)
from home.api import CallToActionAPIViewSet, PracticeAPIViewSet
from insights.api import click_beacon_operation, view_beacon_operation
from leads.api import consultation_form_operation, lead_intake_operation

api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", ArticlePagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", DocumentsAPIViewSet)
api_router.register_endpoint("authors", AuthorsAPIViewSet)
api_router.register_endpoint("ctas", CallToActionAPIViewSet)
api_router.register_endpoint("categories", CategoriesAPIViewSet)
api_router.register_endpoint("practice", PracticeAPIViewSet)
api_router.register_endpoint("preview", PreviewAPIViewSet)
api_router.register_endpoint("redirects", RedirectsAPIViewSet)


register_operation("leads/", lead_intake_operation)
register_operation("forms/consultation/", consultation_form_operation)
register_operation("ping/", ping_operation)
register_operation("views/", view_beacon_operation)
register_operation("clicks/", click_beacon_operation)
