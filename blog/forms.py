"""Admin forms for authors: the slug is filled from the name, and the chooser can create one."""

from __future__ import annotations

from django import forms
from django.utils.html import escape
from wagtail.admin.forms import WagtailAdminModelForm

from .models import Author

SLUG_HELP = "Used in links and the API. Leave empty to fill it from the name."


class AuthorSlugMixin:
    """The slug is optional on the form; an empty one is made from the name, unique."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].required = False
        self.fields["slug"].help_text = SLUG_HELP

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = Author.unique_slug(cleaned["name"], exclude_pk=self.instance.pk)
        return cleaned


class AuthorForm(AuthorSlugMixin, WagtailAdminModelForm):
    """The author's edit form in Authors."""


class AuthorCreationForm(AuthorSlugMixin, forms.ModelForm):
    """The "Create" tab of the author chooser: what an article's byline needs, the rest later.

    The short bio is plain text here (paragraphs on blank lines); the full editor has rich text.
    """

    short_bio = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Two to four sentences, shown in the author box at the end of articles.",
    )

    class Meta:
        model = Author
        fields = [
            "honorific",
            "name",
            "slug",
            "credentials",
            "job_title",
            "license_type",
            "license_number",
            "license_state",
            "short_bio",
        ]

    def clean_short_bio(self) -> str:
        paragraphs = [p.strip() for p in self.cleaned_data["short_bio"].split("\n\n")]
        return "".join(f"<p>{escape(' '.join(p.split()))}</p>" for p in paragraphs if p)
