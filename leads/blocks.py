"""The consultation-form block that content apps put in their stream fields."""

from wagtail import blocks


class ConsultationFormBlock(blocks.StructBlock):
    """The consultation request form inside an article, so a reader can ask for help there."""

    heading = blocks.CharBlock(max_length=120, default="Request a free consultation")
    intro = blocks.TextBlock(
        required=False,
        max_length=400,
        help_text="A sentence above the form, e.g. that the consultation is free and private.",
    )

    class Meta:
        icon = "form"
        label = "Consultation form"
        description = "The form visitors use to ask for a free consultation."
        template = "blocks/consultation_form.html"
        preview_value = {
            "heading": "Request a free consultation",
            "intro": "Free, secure and private. We usually answer within one working day.",
        }
