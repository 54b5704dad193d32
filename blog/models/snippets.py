"""Authors and categories: the snippets articles point at."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Prefetch
from django.utils.html import strip_tags
from django.utils.text import slugify
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.images import get_image_model
from wagtail.search import index

from cms.headless.representation import image_representation
from home.blocks import ProfileLinkBlock
from home.models import LICENSE_TYPES, LicensedPerson
from home.seo import absolute, organisation_id


def renditions_prefetch(path: str) -> Prefetch:
    """Prefetch an image's renditions along ``path`` (e.g. 'hero_image__renditions')."""
    renditions = get_image_model().get_rendition_model().objects.all()
    return Prefetch(path, queryset=renditions, to_attr="prefetched_renditions")


class Author(LicensedPerson, index.Indexed, models.Model):
    """A clinician who writes articles; their credentials and license show on every article."""

    name = models.CharField(max_length=120, help_text="Full name, e.g. 'Maya Lin Ortega'.")
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in links and the API.")
    honorific = models.CharField(max_length=20, blank=True, help_text="e.g. 'Dr.'; optional.")
    credentials = models.CharField(
        max_length=120,
        blank=True,
        help_text="Letters after the name, comma-separated, e.g. 'LMFT, CSAT, CPTT'.",
    )
    job_title = models.CharField(
        max_length=160, blank=True, help_text="e.g. 'Licensed Marriage & Family Therapist'."
    )
    license_type = models.CharField(max_length=16, choices=LICENSE_TYPES, blank=True)
    license_number = models.CharField(max_length=40, blank=True, help_text="e.g. 'LMFT 123456'.")
    license_state = models.CharField(
        max_length=2, blank=True, help_text="Two-letter state that issued it, e.g. CA."
    )
    license_issuer = models.CharField(
        max_length=160,
        blank=True,
        help_text="The licensing board, e.g. 'California Board of Behavioral Sciences'.",
    )
    headshot = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A friendly, square-ish photo. Its description is used as alt text.",
    )
    short_bio = RichTextField(
        features=["bold", "italic", "link"],
        help_text="Two to four sentences, shown in the author box at the end of articles.",
    )
    long_bio = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ol", "ul"],
        help_text="The full story: training, approach, who they help.",
    )
    profile_links = StreamField(
        [("link", ProfileLinkBlock())],
        blank=True,
        help_text="Directory listings (e.g. Psychology Today) and professional profiles.",
    )
    profile_page = models.ForeignKey(
        "home.TherapistPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authors",
        help_text="The author's profile on this site; every article's author box links to it.",
    )

    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    panels = [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("honorific"), FieldPanel("name")]),
                FieldPanel("slug"),
                FieldPanel("credentials"),
                FieldPanel("job_title"),
                FieldPanel("headshot"),
            ],
            heading="Who",
        ),
        MultiFieldPanel(
            [
                FieldPanel("license_type"),
                FieldRowPanel([FieldPanel("license_number"), FieldPanel("license_state")]),
                FieldPanel("license_issuer"),
            ],
            heading="License",
        ),
        FieldPanel("short_bio"),
        FieldPanel("long_bio"),
        FieldPanel("profile_links"),
        FieldPanel("profile_page"),
    ]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug(self.name, exclude_pk=self.pk)
        super().save(*args, **kwargs)

    @classmethod
    def unique_slug(cls, name: str, exclude_pk: int | None = None) -> str:
        """A slug from the name, numbered ('maya-ortega-2') when another author has it."""
        base = slugify(name)[:110] or "author"
        taken = set(
            cls.objects.exclude(pk=exclude_pk)
            .filter(slug__startswith=base)
            .values_list("slug", flat=True)
        )
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        return slug

    @property
    def person_name(self) -> str:
        return self.name

    def person_schema(self, request: Any = None) -> dict[str, Any]:
        """A schema.org Person with the license (and certifications) as ``hasCredential``."""
        credentials: list[dict[str, Any]] = []
        if self.license_number:
            credential: dict[str, Any] = {
                "@type": "EducationalOccupationalCredential",
                "credentialCategory": "license",
                "name": self.license_title or "Professional license",
                "identifier": self.license_number,
            }
            if self.license_issuer or self.license_state:
                credential["recognizedBy"] = {
                    "@type": "GovernmentOrganization",
                    "name": self.license_issuer or f"{self.license_state} licensing board",
                }
            if self.license_state:
                credential["validIn"] = {"@type": "State", "name": self.license_state}
            credentials.append(credential)
        for letters in self.credential_list():
            if letters != self.license_type:
                credentials.append(
                    {
                        "@type": "EducationalOccupationalCredential",
                        "credentialCategory": "certification",
                        "name": letters,
                    }
                )
        profile = self.profile_page if self.profile_url else None
        person_id = f"{absolute('/', request)}#author-{self.slug}"
        data: dict[str, Any] = {
            "@type": "Person",
            "@id": profile.person_id(request) if profile is not None else person_id,
            "name": self.full_name,
            "worksFor": {"@id": organisation_id(request)},
        }
        if profile is not None:
            data["url"] = profile.get_full_url(request)
        if self.job_title:
            data["jobTitle"] = self.job_title
        if self.credentials:
            data["honorificSuffix"] = self.credentials
        if credentials:
            data["hasCredential"] = credentials
        if self.short_bio:
            data["description"] = " ".join(strip_tags(self.short_bio).split())
        if self.headshot is not None:
            data["image"] = absolute(self.headshot.get_rendition("fill-400x400").url, request)
        same_as = [link.value["url"] for link in self.profile_links]
        if same_as:
            data["sameAs"] = same_as
        return data

    @property
    def profile_url(self) -> str:
        """The author's profile page on this site, when it is live."""
        page = self.profile_page
        return (page.url or "") if page is not None and page.live else ""

    def credential_list(self) -> list[str]:
        return [c.strip() for c in self.credentials.split(",") if c.strip()]

    def api_representation(self, context: dict) -> dict[str, Any]:
        """Public fields of the author; rich text as HTML, the headshot with renditions."""
        from wagtail.rich_text import expand_db_html

        return {
            "name": self.name,
            "slug": self.slug,
            "honorific": self.honorific,
            "display_name": self.display_name,
            "credentials": self.credential_list(),
            "job_title": self.job_title,
            "license": {
                "type": self.license_type,
                "title": self.license_title,
                "number": self.license_number,
                "state": self.license_state,
                "issuer": self.license_issuer,
            },
            "headshot": image_representation(self.headshot),
            "profile_url": self.profile_url,
            "short_bio": expand_db_html(self.short_bio),
            "long_bio": expand_db_html(self.long_bio),
            "profile_links": [
                {"network": link.value["network"], "url": link.value["url"]}
                for link in self.profile_links
            ],
        }


class BlogCategory(models.Model):
    """A topic articles are grouped by (e.g. 'Betrayal trauma'); readers filter by it."""

    name = models.CharField(max_length=80, unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.TextField(blank=True, max_length=300)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]
        verbose_name = "category"
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return self.name
