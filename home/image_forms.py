"""The admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE): alt text asked for on upload."""

from __future__ import annotations

from django import forms
from wagtail.images.forms import BaseImageForm

ALT_HELP = (
    "Describe the picture for someone who cannot see it (about one sentence); it is read aloud "
    "by screen readers wherever the image is shown. Not the file name."
)


class ImageForm(BaseImageForm):
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE) with the description as alt text,
    required unless the image is marked decorative (then it stays empty and is skipped by
    screen readers).

    In the multiple uploader a file arrives without a description: Wagtail keeps it as a pending
    upload and shows this form for it, so nothing is saved until alt text is given.
    """

    image_is_decorative = forms.BooleanField(
        required=False,
        label="Decorative image",
        help_text="Tick only if the image adds nothing to the text; it then needs no alt text.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "description" in self.fields:
            self.fields["description"].label = "Alt text"
            self.fields["description"].help_text = ALT_HELP
            if self.instance.pk and not self.instance.description:
                self.fields["image_is_decorative"].initial = True

    def clean(self):
        cleaned = super().clean()
        if "description" not in self.fields:
            return cleaned
        description = (cleaned.get("description") or "").strip()
        if cleaned.get("image_is_decorative"):
            cleaned["description"] = ""
        elif not description:
            self.add_error(
                "description",
                "Add alt text that describes the image, or tick 'Decorative image' if it adds "
                "nothing to the text.",
            )
        return cleaned
