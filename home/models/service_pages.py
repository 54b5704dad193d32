"""What the practice treats: an index of services and one page per service."""

from __future__ import annotations

from typing import Any

from django.db import models
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.headless.fields import SchemaField, computed_field, image_field, register_schema
from cms.headless.representation import snippet_representation
from home.api_fields import BUTTON_SCHEMA
from home.seo import organisation_id

from .pages import PracticePage
from .settings import PracticeSettings
from .team_pages import CARD_SCHEMA, child_cards

SECTION_FEATURES = ["bold", "italic", "link", "ol", "ul"]
CONTEXT = {"with_context": True, "source": "*"}
CTA_FIELD_SCHEMA = register_schema(
    "ServiceCallToAction",
    {
        "type": "object",
        "description": "The service's call to action: the chosen snippet (or null) and its button.",
        "properties": {"snippet": {"type": ["object", "null"]}, "button": BUTTON_SCHEMA},
        "required": ["snippet", "button"],
    },
)


def _cta(page: ServicePage, context: dict) -> dict[str, Any]:
    button = page.resolved_cta(page.get_practice(context.get("request")))
    return {
        "snippet": snippet_representation(page.cta, context) if page.cta is not None else None,
        "button": {"href": button.href, "label": button.label},
    }


class ServicesIndexPage(PracticePage):
    """'What we help with': a card per service."""

    intro = models.TextField(blank=True, max_length=400)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    template = "pages/services_index_page.html"
    api_fields = [
        APIField("intro"),
        APIField("services", serializer=computed_field(CARD_SCHEMA, source="service_cards")),
        *PracticePage.api_fields,
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.ServicePage"]
    max_count_per_parent = 1

    def get_summary_text(self) -> str:
        return self.intro

    def service_cards(self) -> list[dict[str, Any]]:
        return child_cards(self, ServicePage)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["services"] = (
            ServicePage.objects.child_of(self).live().public().select_related("image")
        ).order_by("path")
        return context


class ServicePageRelated(Orderable):
    """An article that helps someone considering this service."""

    page = ParentalKey("home.ServicePage", related_name="related_links", on_delete=models.CASCADE)
    article = models.ForeignKey("wagtailcore.Page", related_name="+", on_delete=models.CASCADE)

    panels = [PageChooserPanel("article", "blog.BlogPage")]


class ServicePage(PracticePage):
    """One kind of help (e.g. couples therapy): what it is, who it is for, what to expect."""

    summary = models.TextField(
        max_length=300, help_text="One or two sentences, shown on cards and in search results."
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A calm picture; its description is the alt text.",
    )
    what_it_is = RichTextField(features=SECTION_FEATURES, verbose_name="What it is")
    who_it_is_for = RichTextField(
        blank=True, features=SECTION_FEATURES, verbose_name="Who it is for"
    )
    what_to_expect = RichTextField(
        blank=True, features=SECTION_FEATURES, verbose_name="What to expect"
    )
    cta = models.ForeignKey(
        "home.CallToAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Call to action",
        help_text="Empty: 'Book a free consultation' with the practice's booking link.",
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("what_it_is"),
        index.SearchField("who_it_is_for"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("image"),
        FieldPanel("what_it_is"),
        FieldPanel("who_it_is_for"),
        FieldPanel("what_to_expect"),
        InlinePanel("related_links", label="Related article", heading="Related articles"),
        FieldPanel("cta"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    template = "pages/service_page.html"
    api_fields = [
        APIField("summary"),
        APIField("image", serializer=image_field()),
        APIField("what_it_is"),
        APIField("who_it_is_for"),
        APIField("what_to_expect"),
        APIField(
            "related_articles", serializer=computed_field(CARD_SCHEMA, source="related_cards")
        ),
        APIField("call_to_action", serializer=SchemaField(CTA_FIELD_SCHEMA, _cta, **CONTEXT)),
        *PracticePage.api_fields,
    ]
    parent_page_types = ["home.ServicesIndexPage"]
    subpage_types: list[str] = []

    def get_summary_text(self) -> str:
        return self.summary

    def get_main_image(self):
        return self.image

    def related_articles(self) -> list[Page]:
        """Chosen articles that are live and public, as their own type (for their summaries)."""
        ids = [link.article_id for link in self.related_links.all()]
        pages = Page.objects.filter(pk__in=ids).live().public().specific().in_bulk()
        return [pages[pk] for pk in ids if pk in pages]

    def related_cards(self) -> list[dict[str, Any]]:
        return [
            {
                "id": page.pk,
                "title": page.title,
                "url": page.url,
                "summary": getattr(page, "summary", ""),
            }
            for page in self.related_articles()
        ]

    def resolved_cta(self, practice: PracticeSettings):
        """The service's CTA button: its chosen snippet's, else the practice's booking button."""
        if self.cta is not None:
            return self.cta.resolve(practice)
        return practice.booking_action()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        practice = self.get_practice(request)
        context["related_articles"] = self.related_articles()
        context["cta_button"] = self.resolved_cta(practice)
        return context

    def get_extra_structured_data(
        self, request: Any, practice: PracticeSettings
    ) -> list[dict[str, Any]]:
        url = self.get_full_url(request)
        service: dict[str, Any] = {
            "@type": "Service",
            "@id": f"{url}#service",
            "name": self.title,
            "serviceType": self.title,
            "description": self.get_meta_description(),
            "url": url,
            "provider": {"@id": organisation_id(request)},
        }
        if practice.service_area:
            service["areaServed"] = practice.service_area
        return [service]
