"""The practice's general page types and the base every public page type builds on."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.api import APIField
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from cms.headless.fields import image_field
from cms.headless.preview import HeadlessPreviewMixin
from cms.serving.headers import cache_public_page
from cms.serving.refdata import memoized, restrictions_for, serving_page
from home.api_fields import jsonld_field, seo_field
from home.blocks import HomeStreamBlock, PageStreamBlock
from home.forms import PracticePageForm
from home.seo import breadcrumb_schema, graph, organisation_schema, site_root_url

from .settings import PracticeSettings

DESCRIPTION_LENGTH = 160
SHARE_RENDITION = "fill-1200x630"

SEO_HELP = {
    "seo_title": "Shown in search results and browser tabs. Empty: the page title.",
    "search_description": "One or two sentences for search results (about 155 characters). "
    "Empty: the page's summary.",
    "social_image": "Shown when the page is shared (1200x630 works best). Empty: the page's "
    "main image, else the practice's default.",
}


class PracticePage(HeadlessPreviewMixin, Page):
    """Base of every public page type: SEO fallbacks, structured data and HTTP caching."""

    social_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=SEO_HELP["social_image"],
    )

    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title", help_text=SEO_HELP["seo_title"]),
                FieldPanel("search_description", help_text=SEO_HELP["search_description"]),
                FieldPanel("social_image"),
            ],
            heading="Search and sharing",
        ),
        FieldPanel("show_in_menus", help_text="Show this page in the site's main navigation."),
    ]

    og_type = "website"
    base_form_class = PracticePageForm

    # API: every public page type adds these after its own fields (see cms/headless/viewsets.py).
    api_fields = [
        APIField("seo", serializer=seo_field()),
        APIField("jsonld", serializer=jsonld_field()),
    ]

    class Meta:
        abstract = True

    # SEO -------------------------------------------------------------------------------------

    def get_summary_text(self) -> str:
        """Plain text describing the page; subclasses point it at their summary or intro."""
        return ""

    def get_meta_title(self) -> str:
        return self.seo_title or self.title

    def get_meta_description(self) -> str:
        text = self.search_description or self.get_summary_text()
        return Truncator(" ".join(text.split())).chars(DESCRIPTION_LENGTH)

    def get_main_image(self):
        """The page's own main image (a hero image), if it has one."""
        return None

    def get_practice(self, request: Any = None) -> PracticeSettings:
        """The practice settings of the request's site (the default site's without a request)."""
        if request is None:
            return PracticeSettings.load_default()
        return PracticeSettings.for_request(request)

    def get_social_image(self, practice: PracticeSettings | None = None):
        image = self.social_image or self.get_main_image()
        if image is None and practice is not None:
            image = practice.default_share_image
        return image

    def get_social_rendition(self, practice: PracticeSettings | None = None):
        image = self.get_social_image(practice)
        if image is None:
            return None
        return memoized(
            ("rendition", image.pk, SHARE_RENDITION), lambda: image.get_rendition(SHARE_RENDITION)
        )

    def get_breadcrumbs(self) -> list[Page]:
        """Live ancestors below the tree root, home first, then the page itself."""
        ancestors = memoized(
            ("ancestors", self.path),
            lambda: list(
                self.get_ancestors().filter(depth__gt=1).live().only("id", "title", "url_path")
            ),
        )
        return [*ancestors, self]

    def get_structured_data(self, request: Any) -> dict[str, Any]:
        """The page's JSON-LD: the practice, breadcrumbs and anything the type adds."""
        practice = PracticeSettings.for_request(request)
        crumbs = [(crumb.title, crumb.get_full_url(request)) for crumb in self.get_breadcrumbs()]
        organisation = memoized(
            ("organisation_schema", practice.pk, site_root_url(request)),
            lambda: organisation_schema(practice, request),
        )
        return graph(
            organisation,
            breadcrumb_schema(crumbs),
            *self.get_extra_structured_data(request, practice),
        )

    def get_extra_structured_data(self, request: Any, practice: PracticeSettings) -> list[dict]:
        return []

    # HTTP ------------------------------------------------------------------------------------

    def get_view_restrictions(self):
        """Restrictions on this page and its ancestors.

        While serving a page (Wagtail's `before_serve_page` check only iterates them): a list
        from the reference data, no query. Elsewhere (copying, the privacy dialog, the admin):
        Wagtail's queryset.
        """
        if self.alias_of_id or not serving_page():
            return super().get_view_restrictions()
        return restrictions_for(self)

    def serve(self, request, *args, **kwargs):
        # Every rich text link target of the page is loaded in one query, not one per block.
        from cms.serving.prefetch import rich_text_links

        with rich_text_links([self]):
            response = super().serve(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
        return cache_public_page(request, response)


def _rich_text_plain(value: str) -> str:
    return " ".join(strip_tags(value or "").split())


class HomePage(PracticePage):
    """The site's front page: the practice's welcome and its way in to articles and contact."""

    intro = RichTextField(
        blank=True,
        features=["bold", "italic", "link"],
        help_text="A few welcoming sentences at the top of the page.",
    )
    hero_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A calm, welcoming picture at the top of the page.",
    )
    body = StreamField(
        HomeStreamBlock(),
        blank=True,
        help_text="The page's sections: hero, services, therapists, how it works, fees, "
        "latest articles, location. There is no testimonial block (see the editor guide).",
    )

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    template = "pages/home_page.html"
    api_fields = [
        APIField("intro"),
        APIField("hero_image", serializer=image_field()),
        APIField("body"),
        *PracticePage.api_fields,
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "blog.BlogIndexPage",
        "home.StandardPage",
        "home.ContactPage",
        "home.TeamIndexPage",
        "home.ServicesIndexPage",
    ]
    max_count_per_parent = 1

    def get_summary_text(self) -> str:
        return _rich_text_plain(self.intro)

    def get_main_image(self):
        return self.hero_image

    def has_hero(self) -> bool:
        return any(block.block_type == "hero" for block in self.body)

    def has_latest_articles(self) -> bool:
        return any(block.block_type == "latest_articles" for block in self.body)


class StandardPage(PracticePage):
    """A plain page such as About or the privacy policy."""

    intro = models.TextField(
        blank=True, max_length=400, help_text="A short summary shown under the title."
    )
    body = StreamField(PageStreamBlock(), blank=True)

    search_fields = [*Page.search_fields, index.SearchField("intro"), index.SearchField("body")]

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    template = "pages/standard_page.html"
    api_fields = [APIField("intro"), APIField("body"), *PracticePage.api_fields]
    parent_page_types = ["home.HomePage", "home.StandardPage"]
    subpage_types = ["home.StandardPage"]

    def get_summary_text(self) -> str:
        return self.intro


class ContactPage(PracticePage):
    """The contact page: the practice's details and the consultation request form."""

    intro = models.TextField(
        blank=True,
        max_length=400,
        help_text="A reassuring sentence above the form, e.g. that the first call is free.",
    )
    form_heading = models.CharField(
        max_length=120,
        default="Request a free consultation",
        help_text="The heading above the consultation form.",
    )
    body = StreamField(PageStreamBlock(), blank=True, help_text="Optional content below the form.")

    search_fields = [*Page.search_fields, index.SearchField("intro")]

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("form_heading"),
        FieldPanel("body"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )

    template = "pages/contact_page.html"
    api_fields = [
        APIField("intro"),
        APIField("form_heading"),
        APIField("body"),
        *PracticePage.api_fields,
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    def get_summary_text(self) -> str:
        return self.intro
