"""Blocks shared by every page type: headings, rich text, images, lists, quotes, calls to action.

Blog-only blocks (author bio) and the article stream live in ``blog/blocks.py``; the
consultation-form block comes from ``leads/blocks.py``. Every block that holds an image, a page or
a snippet builds its API representation through ``cms.headless.representation``.
"""

from __future__ import annotations

import copy
from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageChooserBlock as WagtailImageChooserBlock
from wagtail.rich_text import expand_db_html
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.headless.representation import (
    image_representation,
    page_representation,
    snippet_representation,
)
from cms.serving.refdata import memoized_many

from .actions import Action, Emphasis, ResolvedAction, resolve_action

PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul"]
INLINE_FEATURES = ["bold", "italic", "link", "document-link"]


def practice_for(context: dict | None):
    """The practice settings for the request being rendered (cached on the request)."""
    from wagtail.models import Site

    from .models import PracticeSettings

    request = (context or {}).get("request")
    if request is not None and Site.find_for_request(request) is not None:
        return PracticeSettings.for_request(request)
    return PracticeSettings.load_default()


# Choosers: one query per block type for the whole stream, renditions prefetched ----------------


class BulkChooserMixin:
    """Load every chosen object of a stream in one query, through ``get_queryset``."""

    def get_queryset(self):
        return self.model_class.objects.all()

    def bulk_to_python(self, values):
        # Chosen objects are reference data (cms.serving.refdata): loaded once per content version.
        # Each block gets its own shallow copy, so nothing set on one leaks into another.
        ids = list(dict.fromkeys(v for v in values if v is not None))
        # The queryset is built only for ids not kept yet (prefetch_renditions costs ~1 ms of CPU).
        objects = memoized_many(
            f"chooser:{self.model_class._meta.label}",
            ids,
            lambda missing: self.get_queryset().in_bulk(missing),
        )
        return [None if (obj := objects.get(pk)) is None else copy.copy(obj) for pk in values]


class ImageChooserBlock(BulkChooserMixin, WagtailImageChooserBlock):
    """An image chooser whose images come with their renditions prefetched."""

    def get_queryset(self):
        return self.model_class.objects.prefetch_renditions()

    def get_api_representation(self, value, context=None):
        return image_representation(value)


class PageChooserBlock(BulkChooserMixin, blocks.PageChooserBlock):
    """A page chooser that gives API consumers id, title and URL, not a bare id."""

    def get_queryset(self):
        # The cards of chosen pages show their image (a service's, a therapist's photo): loaded
        # in the same query and kept with the page, instead of one query per card per request.
        from wagtail.images.models import AbstractImage

        images = [
            field.name
            for field in self.model_class._meta.get_fields()
            if field.many_to_one
            and field.concrete
            and issubclass(field.related_model, AbstractImage)
        ]
        return self.model_class.objects.select_related(*images)

    def get_api_representation(self, value, context=None):
        return page_representation(value.specific_deferred if value else None)


class CallToActionChooserBlock(BulkChooserMixin, SnippetChooserBlock):
    """Chooses a reusable ``CallToAction``; its linked page comes in the same query."""

    def __init__(self, **kwargs):
        super().__init__("home.CallToAction", **kwargs)

    def get_queryset(self):
        return self.model_class.objects.select_related("link_page")

    def get_api_representation(self, value, context=None):
        return snippet_representation(value, context)

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        return path, (), kwargs


class RichTextBlock(blocks.RichTextBlock):
    """Rich text whose API form is final HTML (internal page and document links resolved)."""

    def get_api_representation(self, value, context=None):
        return expand_db_html(value.source) if value else ""


# Text ------------------------------------------------------------------------------------------


class HeadingValue(blocks.StructValue):
    """A heading knows its anchor id, so the table of contents can link to it."""

    def anchor_id(self) -> str:
        return slugify(self.get("anchor") or self.get("text") or "")[:80] or "section"


class HeadingBlock(blocks.StructBlock):
    """A section heading; h2 headings (and h3 beneath them) feed the table of contents."""

    text = blocks.CharBlock(max_length=160, help_text="The heading as readers see it.")
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (h2)"), ("h3", "Sub-section (h3)")],
        default="h2",
        help_text="Use h2 for a main section and h3 only directly under an h2.",
    )
    anchor = blocks.CharBlock(
        required=False,
        max_length=80,
        help_text="Optional link name, e.g. 'warning-signs'. Defaults to the heading text.",
    )

    def get_api_representation(self, value, context=None):
        return {"text": value["text"], "level": value["level"], "anchor": value.anchor_id()}

    class Meta:
        icon = "title"
        label = "Heading"
        description = "A section heading. Headings build the article's table of contents."
        template = "blocks/heading.html"
        value_class = HeadingValue
        preview_value = {"text": "Where healing begins", "level": "h2"}


class ParagraphBlock(RichTextBlock):
    """Body text with bold, italic, lists and links to pages, documents and other sites."""

    def __init__(self, **kwargs):
        kwargs.setdefault("features", PARAGRAPH_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = "Paragraph"
        description = "Text with bold, italic, lists and links to pages or documents."
        template = "blocks/paragraph.html"
        preview_value = (
            "<p>Trust can be rebuilt. It takes time, honesty and support, and it starts "
            "with one conversation.</p>"
        )


class ImageValue(blocks.StructValue):
    """The alt text to print: empty for a decorative image, so screen readers skip it."""

    def alt(self) -> str:
        return "" if self.get("decorative") else (self.get("alt_text") or "")


class ImageBlock(blocks.StructBlock):
    """An image with alt text (required unless decorative), an optional caption and credit."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(
        required=False,
        max_length=250,
        help_text="Describe what the image shows for people who cannot see it.",
    )
    decorative = blocks.BooleanBlock(
        required=False,
        help_text="Tick only if the image adds nothing to the text; it is then hidden from "
        "screen readers and needs no alt text.",
    )
    caption = blocks.CharBlock(required=False, max_length=250)
    credit = blocks.CharBlock(required=False, max_length=120, help_text="Photographer or source.")

    def clean(self, value):
        value = super().clean(value)
        if not value.get("decorative") and not (value.get("alt_text") or "").strip():
            raise StructBlockValidationError(
                block_errors={
                    "alt_text": ValidationError(
                        "Add alt text, or tick 'decorative' if the image adds no information."
                    )
                }
            )
        return value

    def get_api_representation(self, value, context=None):
        return {
            "image": image_representation(value["image"], alt=value.alt()),
            "decorative": bool(value.get("decorative")),
            "caption": value.get("caption", ""),
            "credit": value.get("credit", ""),
        }

    class Meta:
        icon = "image"
        label = "Image"
        description = "A picture with alt text, caption and credit."
        template = "blocks/image.html"
        value_class = ImageValue
        preview_value = {"alt_text": "", "decorative": True, "caption": "A caption goes here."}


class KeyPointBlock(blocks.StructBlock):
    """One point of a list: an optional lead term in bold, then the explanation."""

    term = blocks.CharBlock(
        required=False, max_length=120, help_text="Optional lead term shown in bold."
    )
    text = RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "list-ul"
        label = "Point"
        description = "One point: an optional bold lead term and its explanation."
        preview_value = {"term": "Sleep", "text": "<p>Lying awake replaying conversations.</p>"}


class KeyPointsBlock(blocks.StructBlock):
    """A bulleted list of 'Lead term: explanation' items."""

    heading = blocks.CharBlock(required=False, max_length=160, help_text="Optional list title.")
    items = blocks.ListBlock(KeyPointBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Key points"
        description = "A list of points, each with an optional bold lead term."
        template = "blocks/key_points.html"
        preview_value = {
            "heading": "Common signs",
            "items": [
                {"term": "Sleep", "text": "<p>Lying awake replaying conversations.</p>"},
                {"term": "Vigilance", "text": "<p>Checking phones and moods for clues.</p>"},
            ],
        }


class StepBlock(blocks.StructBlock):
    """One numbered step: a short title and what to do."""

    title = blocks.CharBlock(max_length=160)
    text = RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "list-ol"
        label = "Step"
        description = "One step: a short title and what to do."
        preview_value = {"title": "Find support", "text": "<p>You are not alone in this.</p>"}


class StepsBlock(blocks.StructBlock):
    """Numbered steps, each with a title and an explanation."""

    heading = blocks.CharBlock(required=False, max_length=160)
    steps = blocks.ListBlock(StepBlock(), min_num=1)

    class Meta:
        icon = "list-ol"
        label = "Numbered steps"
        description = "A numbered sequence of steps, each with a title and text."
        template = "blocks/steps.html"
        preview_value = {
            "steps": [
                {"title": "Name what happened", "text": "<p>Say it plainly, once.</p>"},
                {"title": "Find support", "text": "<p>You do not have to do this alone.</p>"},
            ]
        }


class QuoteBlock(blocks.StructBlock):
    """A quotation or expert citation: what was said, who said it and where."""

    quote = blocks.TextBlock(max_length=1000)
    who = blocks.CharBlock(max_length=120, help_text="The person quoted or cited.")
    role = blocks.CharBlock(required=False, max_length=160, help_text="e.g. 'psychologist'.")
    source = blocks.CharBlock(required=False, max_length=200, help_text="Book, paper or talk.")
    source_url = blocks.URLBlock(required=False, help_text="Link to the source, if public.")

    class Meta:
        icon = "openquote"
        label = "Quote or citation"
        description = "A quotation or an expert's view, with who said it and the source."
        template = "blocks/quote.html"
        preview_value = {
            "quote": "Healing is not a straight line, and it does not have to be.",
            "who": "A. Example",
            "role": "couples therapist",
            "source": "Notes on repair",
        }


class CalloutBlock(blocks.StructBlock):
    """A highlighted note: a tip, something important, or a gentle reminder."""

    kind = blocks.ChoiceBlock(
        choices=[("note", "Note"), ("tip", "Tip"), ("important", "Important")],
        default="note",
        help_text="What kind of message this is; readers hear it announced.",
    )
    heading = blocks.CharBlock(required=False, max_length=160)
    text = RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "warning"
        label = "Callout"
        description = "A highlighted box for a tip, a note or something important."
        template = "blocks/callout.html"
        preview_value = {
            "kind": "tip",
            "heading": "A small step",
            "text": "<p>Write down one question you want answered before your first session.</p>",
        }


class EmbedValue(blocks.StructValue):
    """The embedded site's host name, shown so readers know where the link goes."""

    def host(self) -> str:
        return (urlsplit(self.get("url") or "").hostname or "").removeprefix("www.")


class EmbedBlock(blocks.StructBlock):
    """A video or other external media, shown as a link card so no third party loads here."""

    url = blocks.URLBlock(help_text="The address of the video, podcast or post.")
    title = blocks.CharBlock(max_length=200, help_text="What readers will find there.")
    description = blocks.TextBlock(required=False, max_length=400)

    def get_api_representation(self, value, context=None):
        return {**dict(value), "host": value.host()}

    class Meta:
        icon = "media"
        label = "Embed (video, podcast)"
        description = (
            "External media shown as a link card: visitors open it on the other site, so no "
            "tracker loads on ours."
        )
        template = "blocks/embed.html"
        value_class = EmbedValue
        preview_value = {
            "url": "https://video.example/watch/1",
            "title": "A short talk on rebuilding trust",
        }


class FAQItemBlock(blocks.StructBlock):
    """One question and its answer."""

    question = blocks.CharBlock(max_length=250)
    answer = RichTextBlock(features=INLINE_FEATURES)

    class Meta:
        icon = "help"
        label = "Question"
        description = "One question and its answer."
        preview_value = {
            "question": "Is the first consultation free?",
            "answer": "<p>Yes, it is a short call to see whether we are a good fit.</p>",
        }


class FAQValue(blocks.StructValue):
    """The FAQ as schema.org Question items, for the page's FAQPage structured data."""

    def schema_questions(self) -> list[dict[str, Any]]:
        return [
            {
                "@type": "Question",
                "name": item["question"],
                "acceptedAnswer": {
                    "@type": "Answer",
                    "text": strip_tags(expand_db_html(item["answer"].source)).strip(),
                },
            }
            for item in self.get("items", [])
        ]


class FAQBlock(blocks.StructBlock):
    """Questions and answers; the page's structured data lists them as an FAQ."""

    heading = blocks.CharBlock(max_length=160, default="Frequently asked questions")
    items = blocks.ListBlock(FAQItemBlock(), min_num=1)

    class Meta:
        icon = "help"
        label = "FAQ"
        description = "Question-and-answer pairs; search engines may show them as an FAQ."
        template = "blocks/faq.html"
        value_class = FAQValue
        preview_value = {
            "heading": "Frequently asked questions",
            "items": [
                {
                    "question": "Is the first consultation free?",
                    "answer": "<p>Yes. It is a short call to see whether we are a good fit.</p>",
                }
            ],
        }


# Calls to action -------------------------------------------------------------------------------


class CallToActionValue(blocks.StructValue):
    """The CTA's content, from the chosen snippet or the inline fields, and its resolved link."""

    @cached_property
    def snippet(self):
        return self.get("snippet")

    def _field(self, name: str) -> Any:
        if self.snippet is not None:
            return getattr(self.snippet, "link_page" if name == "page" else name)
        return self.get(name)

    def heading(self) -> str:
        return self._field("heading") or ""

    def text(self) -> str:
        return self._field("text") or ""

    def emphasis(self) -> str:
        return self._field("emphasis") or Emphasis.STANDARD

    def action(self) -> str:
        return self._field("action") or Action.CALL

    def resolve(self, practice: Any) -> ResolvedAction:
        return resolve_action(
            self.action(),
            practice,
            page=self._field("page"),
            button_label=self._field("button_label") or "",
        )


class CallToActionBlock(blocks.StructBlock):
    """A call to action: a reusable CTA chosen from the snippets, or a one-off written here."""

    snippet = CallToActionChooserBlock(
        required=False,
        label="Reusable call to action",
        help_text="Choose a saved call to action (edit it once, it changes everywhere), "
        "or leave empty and fill in the fields below for a one-off.",
    )
    heading = blocks.CharBlock(required=False, max_length=160, label="One-off heading")
    text = blocks.TextBlock(required=False, max_length=400, label="One-off text")
    action = blocks.ChoiceBlock(choices=Action.choices, required=False, label="One-off action")
    page = PageChooserBlock(required=False, help_text="For 'Go to a page' only.")
    button_label = blocks.CharBlock(
        required=False, max_length=60, help_text="Leave empty for a sensible default."
    )
    emphasis = blocks.ChoiceBlock(choices=Emphasis.choices, required=False)

    def clean(self, value):
        value = super().clean(value)
        if value.get("snippet") is None:
            errors = {}
            if not value.get("heading"):
                errors["heading"] = ValidationError("Choose a reusable CTA or write a heading.")
            if not value.get("action"):
                errors["action"] = ValidationError("Choose what the button does.")
            elif value["action"] == Action.PAGE and value.get("page") is None:
                errors["page"] = ValidationError("Choose the page the button opens.")
            if errors:
                raise StructBlockValidationError(block_errors=errors)
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["cta"] = {
            "heading": value.heading(),
            "text": value.text(),
            "emphasis": value.emphasis(),
            "button": value.resolve(practice_for(parent_context)),
        }
        return context

    def get_api_representation(self, value, context=None):
        # `source` tells the two shapes apart (a typed client narrows on it).
        if value.snippet is not None:
            return {
                "source": "snippet",
                "snippet": snippet_representation(value.snippet, context),
            }
        button = value.resolve(practice_for(context))
        return {
            "source": "inline",
            "snippet": None,
            "heading": value.heading(),
            "text": value.text(),
            "action": value.action(),
            "page": page_representation(value.get("page")),
            "button": {"href": button.href, "label": button.label},
            "emphasis": value.emphasis(),
        }

    class Meta:
        icon = "pick"
        label = "Call to action"
        description = "A button inviting readers to call, book or ask for a consultation."
        template = "blocks/cta.html"
        value_class = CallToActionValue
        preview_value = {
            "heading": "Talk to someone who understands",
            "text": "The first consultation is free, secure and private.",
            "action": "call",
            "emphasis": "strong",
        }


class ProfileLinkValue(blocks.StructValue):
    """A profile link's visible name: the label, else the network's name."""

    def name(self) -> str:
        if self.get("label"):
            return self["label"]
        return dict(PROFILE_NETWORKS).get(self.get("network"), "Profile")


PROFILE_NETWORKS = [
    ("psychology_today", "Psychology Today"),
    ("linkedin", "LinkedIn"),
    ("facebook", "Facebook"),
    ("instagram", "Instagram"),
    ("youtube", "YouTube"),
    ("x", "X (Twitter)"),
    ("pinterest", "Pinterest"),
    ("website", "Website"),
    ("other", "Other"),
]


class ProfileLinkBlock(blocks.StructBlock):
    """A link to a profile elsewhere (directory listing, social network)."""

    network = blocks.ChoiceBlock(choices=PROFILE_NETWORKS, default="website")
    url = blocks.URLBlock()
    label = blocks.CharBlock(required=False, max_length=60, help_text="Defaults to the network.")

    def get_api_representation(self, value, context=None):
        return {"network": value["network"], "url": value["url"], "name": value.name()}

    class Meta:
        icon = "link-external"
        label = "Profile link"
        description = "A link to a profile on another site."
        value_class = ProfileLinkValue
        preview_value = {"network": "linkedin", "url": "https://www.linkedin.com/"}


class PageStreamBlock(blocks.StreamBlock):
    """The body of the home, about, privacy and contact pages."""

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
    key_points = KeyPointsBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    faq = FAQBlock()
    cta = CallToActionBlock()


# Practice settings: fees and opening hours ----------------------------------------------------


class FeeBlock(blocks.StructBlock):
    """What one kind of session costs, so visitors know before they call."""

    session_type = blocks.CharBlock(max_length=80, help_text="e.g. 'Individual therapy'.")
    minutes = blocks.IntegerBlock(min_value=5, max_value=600, help_text="Session length.")
    price = blocks.IntegerBlock(min_value=0, max_value=100000, help_text="In US dollars.")
    note = blocks.CharBlock(required=False, max_length=160, help_text="e.g. 'Video or in person'.")

    class Meta:
        icon = "tag"
        label = "Fee"
        description = "A session type with its length and price."
        preview_value = {"session_type": "Individual therapy", "minutes": 50, "price": 180}


WEEKDAYS = [
    ("Monday", "Monday"),
    ("Tuesday", "Tuesday"),
    ("Wednesday", "Wednesday"),
    ("Thursday", "Thursday"),
    ("Friday", "Friday"),
    ("Saturday", "Saturday"),
    ("Sunday", "Sunday"),
]


class OpeningHoursValue(blocks.StructValue):
    """Opening hours as people read them ('9:00 AM to 5:00 PM')."""

    def times(self) -> str:
        opens, closes = self.get("opens"), self.get("closes")
        return f"{opens:%-I:%M %p} to {closes:%-I:%M %p}" if opens and closes else ""


class OpeningHoursBlock(blocks.StructBlock):
    """When the practice sees clients on one day of the week (search engines show it too)."""

    day = blocks.ChoiceBlock(choices=WEEKDAYS)
    opens = blocks.TimeBlock()
    closes = blocks.TimeBlock()

    def get_api_representation(self, value, context=None):
        return {
            "day": value["day"],
            "opens": value["opens"].strftime("%H:%M") if value["opens"] else "",
            "closes": value["closes"].strftime("%H:%M") if value["closes"] else "",
        }

    def clean(self, value):
        value = super().clean(value)
        if value["opens"] >= value["closes"]:
            raise StructBlockValidationError(
                block_errors={"closes": ValidationError("Closing time must be after opening.")}
            )
        return value

    class Meta:
        icon = "time"
        label = "Opening hours"
        description = "One day with its opening and closing time."
        value_class = OpeningHoursValue
        preview_value = {"day": "Monday", "opens": "09:00", "closes": "17:00"}


# Home page sections ---------------------------------------------------------------------------


class HeroBlock(blocks.StructBlock):
    """The top of the home page: a welcome, a photo and the two ways in (call, book a consult)."""

    heading = blocks.CharBlock(max_length=160)
    text = RichTextBlock(features=INLINE_FEATURES, required=False)
    image = ImageChooserBlock(required=False, help_text="A calm photo; its description is alt.")
    show_call = blocks.BooleanBlock(required=False, default=True, label="Show 'Call' button")
    show_booking = blocks.BooleanBlock(
        required=False, default=True, label="Show 'Book a free consultation' button"
    )

    class Meta:
        icon = "image"
        label = "Hero"
        description = "Welcome heading, photo and the call and booking buttons."
        template = "blocks/hero.html"
        preview_value = {"heading": "Healing after betrayal is possible", "show_call": True}


class ServiceCardsBlock(blocks.StructBlock):
    """What the practice helps with: a card per chosen service page."""

    heading = blocks.CharBlock(max_length=160, default="What we help with")
    services = blocks.ListBlock(PageChooserBlock(page_type="home.ServicePage"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = "Service cards"
        description = "Cards linking to service pages, with their summaries."
        template = "blocks/service_cards.html"
        preview_value = {"heading": "What we help with", "services": []}


class TeamBlock(blocks.StructBlock):
    """Meet the therapist(s): photo, name, credentials and a link to each profile."""

    heading = blocks.CharBlock(max_length=160, default="Meet your therapist")
    therapists = blocks.ListBlock(PageChooserBlock(page_type="home.TherapistPage"), min_num=1)

    class Meta:
        icon = "group"
        label = "Meet the therapists"
        description = "Cards linking to therapist profiles."
        template = "blocks/team.html"
        preview_value = {"heading": "Meet your therapist", "therapists": []}


class FeesSummaryBlock(blocks.StructBlock):
    """Fees, sliding scale and insurance from the practice settings, edited in one place."""

    heading = blocks.CharBlock(max_length=160, default="Fees and insurance")
    text = blocks.TextBlock(required=False, max_length=400)

    class Meta:
        icon = "tag"
        label = "Fees and insurance"
        description = "The fees and insurance from Practice settings (edit them there)."
        template = "blocks/fees.html"
        preview_value = {"heading": "Fees and insurance"}


class LatestArticlesBlock(blocks.StructBlock):
    """The newest articles, so visitors see the therapist's own writing."""

    heading = blocks.CharBlock(max_length=160, default="Latest articles")
    count = blocks.IntegerBlock(min_value=1, max_value=6, default=3)

    class Meta:
        icon = "doc-full"
        label = "Latest articles"
        description = "The newest published articles as cards."
        template = "blocks/latest_articles.html"
        preview_value = {"heading": "Latest articles", "count": 3}


class LocationBlock(blocks.StructBlock):
    """Where and when: address, directions, map image and hours from the practice settings."""

    heading = blocks.CharBlock(max_length=160, default="Location and hours")

    class Meta:
        icon = "site"
        label = "Location and hours"
        description = "Address, map, parking and hours from Practice settings (edit them there)."
        template = "blocks/location.html"
        preview_value = {"heading": "Location and hours"}


class HomeStreamBlock(PageStreamBlock):
    """The home page's sections. There is no testimonial block: professional ethics (e.g. the
    CAMFT and APA codes) forbid soliciting testimonials from clients; see docs/editor-guide.md."""

    hero = HeroBlock()
    services = ServiceCardsBlock()
    team = TeamBlock()
    steps = StepsBlock(label="How it works")
    fees = FeesSummaryBlock()
    latest_articles = LatestArticlesBlock()
    location = LocationBlock()
