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
    BulkChooserMixin,
    CalloutBlock,
    CallToActionBlock,
    EmbedBlock,
    FAQBlock,
    HeadingBlock,
    ImageBlock,
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

    heading = HeadingBlock()
    paragraph = ParagraphBlock()
    image = ImageBlock()
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
