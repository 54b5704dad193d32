"""The article body: every block an editor can use to build a long article."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from wagtail import blocks
from wagtail.blocks.stream_block import StreamBlockValidationError
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.headless.representation import snippet_representation
from home.blocks import (
    PARAGRAPH_FEATURES,
    BulkChooserMixin,
    CalloutBlock,
    CallToActionBlock,
    EmbedBlock,
    FAQBlock,
    HeadingBlock,
    ImageBlock,
    ImageChooserBlock,
    KeyPointsBlock,
    ParagraphBlock,
    QuoteBlock,
    StepsBlock,
)
from leads.blocks import ConsultationFormBlock


class AuthorChooserBlock(BulkChooserMixin, SnippetChooserBlock):
    """Chooses an ``Author``; headshots and their renditions come in the same few queries."""

    def __init__(self, **kwargs):
        super().__init__("blog.Author", **kwargs)

    def get_queryset(self):
        from wagtail.images import get_image_model

        renditions = get_image_model().get_rendition_model().objects.all()
        return self.model_class.objects.select_related("headshot").prefetch_related(
            Prefetch("headshot__renditions", queryset=renditions, to_attr="prefetched_renditions")
        )

    def get_api_representation(self, value, context=None):
        return snippet_representation(value, context)

    def deconstruct(self):
        path, _args, kwargs = super().deconstruct()
        return path, (), kwargs


class AuthorBioBlock(blocks.StructBlock):
    """An author's short bio, credentials and license, chosen from the Author snippets."""

    author = AuthorChooserBlock(help_text="Edit the bio once under Authors; it changes here too.")
    heading = blocks.CharBlock(required=False, max_length=120, default="About the author")

    def get_preview_value(self):
        """The preview shows the first author on file, so editors see a real bio."""
        value = super().get_preview_value()
        value["author"] = self.child_blocks["author"].model_class.objects.order_by("pk").first()
        return value

    class Meta:
        icon = "user"
        label = "Author bio"
        description = "An author's photo, credentials, license and short bio."
        template = "blocks/author_bio.html"
        preview_value = {"heading": "About the author"}


# Long articles (and imported ones) use a fourth heading level, superscript, subscript,
# strikethrough and inline code.
ARTICLE_PARAGRAPH_FEATURES = [
    *PARAGRAPH_FEATURES,
    "superscript",
    "subscript",
    "strikethrough",
    "code",
]


class ArticleHeadingBlock(HeadingBlock):
    """A section heading in an article: h2 and h3 feed the table of contents, h4 divides further."""

    level = blocks.ChoiceBlock(
        choices=[("h2", "Section (h2)"), ("h3", "Sub-section (h3)"), ("h4", "Minor heading (h4)")],
        default="h2",
        help_text="Use h2 for a main section, h3 only directly under an h2, h4 under an h3.",
    )
    api_schema = {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "level": {"type": "string", "enum": ["h2", "h3", "h4"]},
            "anchor": {"type": "string"},
        },
        "required": ["text", "level", "anchor"],
    }


class TableBlock(blocks.StructBlock):
    """A table of plain-text cells (fees, schedules, comparisons), with an optional header row."""

    caption = blocks.CharBlock(required=False, max_length=250, help_text="What the table shows.")
    header_row = blocks.BooleanBlock(
        required=False, default=True, help_text="The first row holds column headings."
    )
    rows = blocks.ListBlock(
        blocks.ListBlock(blocks.CharBlock(required=False, max_length=500), label="Row"),
        help_text="One entry per row; each row lists its cells from left to right.",
    )

    class Meta:
        icon = "table"
        label = "Table"
        description = "Rows and columns of short text, such as fees or session times."
        template = "blocks/table.html"
        preview_value = {
            "caption": "Session fees",
            "header_row": True,
            "rows": [["Session", "Length", "Fee"], ["Individual", "50 minutes", "$180"]],
        }


class CodeBlock(blocks.StructBlock):
    """Preformatted text shown exactly as written (line breaks and spacing kept)."""

    text = blocks.TextBlock(help_text="Shown in a fixed-width font, line breaks kept.")

    class Meta:
        icon = "code"
        label = "Preformatted text"
        description = "Text whose spacing matters: code, a poem, a worksheet layout."
        template = "blocks/code.html"
        preview_value = {"text": "Notice   Name   Need\n  breathe     and   ask"}


class GalleryImageBlock(blocks.StructBlock):
    """One picture of a gallery, with its own alt text and caption."""

    image = ImageChooserBlock()
    alt_text = blocks.CharBlock(required=False, max_length=250)
    caption = blocks.CharBlock(required=False, max_length=250)

    class Meta:
        icon = "image"
        label = "Gallery image"


class GalleryBlock(blocks.StructBlock):
    """Several pictures shown together, each keeping its own caption."""

    images = blocks.ListBlock(GalleryImageBlock(), min_num=1)

    class Meta:
        icon = "image"
        label = "Gallery"
        description = "A set of pictures shown side by side, each with its own caption."
        template = "blocks/gallery.html"
        preview_value = {"images": []}


# Element ids the article template uses; a heading anchor must not take one of them.
RESERVED_ANCHORS = {
    "main",
    "toc-heading",
    "about-authors",
    "related-heading",
    "consultation-form",
    "footer-contact",
    "footer-social",
}


class ArticleStreamBlock(blocks.StreamBlock):
    """Everything an article's body can hold; the child names are the API's JSON contract."""

    heading = ArticleHeadingBlock()
    paragraph = ParagraphBlock(features=ARTICLE_PARAGRAPH_FEATURES)
    image = ImageBlock()
    gallery = GalleryBlock()
    table = TableBlock()
    code = CodeBlock()
    key_points = KeyPointsBlock()
    steps = StepsBlock()
    quote = QuoteBlock()
    callout = CalloutBlock()
    embed = EmbedBlock()
    faq = FAQBlock()
    cta = CallToActionBlock()
    author_bio = AuthorBioBlock()
    consultation_form = ConsultationFormBlock()

    def clean(self, value):
        value = super().clean(value)
        seen: dict[str, int] = {}
        errors = {}
        for index, child in enumerate(value):
            if child.block_type != "heading":
                continue
            anchor = child.value.anchor_id()
            if anchor in RESERVED_ANCHORS:
                errors[index] = StructBlockValidationError(
                    block_errors={
                        "anchor": ValidationError(
                            f"The link name '{anchor}' is used by the page itself; "
                            "choose another link name."
                        )
                    }
                )
            elif anchor in seen:
                errors[index] = StructBlockValidationError(
                    block_errors={
                        "anchor": ValidationError(
                            f"Another heading already uses the link name '{anchor}'; "
                            "give this one a different link name."
                        )
                    }
                )
            seen.setdefault(anchor, index)
        if errors:
            raise StreamBlockValidationError(block_errors=errors)
        return value
