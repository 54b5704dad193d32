"""The team: an index of the practice's clinicians and one profile page per clinician."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.html import strip_tags
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    MultiFieldPanel,
    ObjectList,
    TabbedInterface,
)
from wagtail.api import APIField
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from cms.headless.fields import computed_field, image_field, register_schema
from home.seo import absolute, organisation_id

from .pages import PracticePage
from .settings import PracticeSettings

LICENSE_TYPES = [
    ("LMFT", "Licensed Marriage and Family Therapist"),
    ("LCSW", "Licensed Clinical Social Worker"),
    ("LPCC", "Licensed Professional Clinical Counselor"),
    ("PsyD", "Licensed Psychologist"),
    ("LMHC", "Licensed Mental Health Counselor"),
    ("other", "Other license"),
]

LIST_HELP = "One per line."
STRINGS = {"type": "array", "items": {"type": "string"}}
CARD_SCHEMA = {
    "type": "array",
    "items": register_schema(
        "PageCard",
        {
            "type": "object",
            "description": "A page as a card: id (for /api/v2/pages/{id}/), title, path, summary.",
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "url": {"type": "string"},
                "summary": {"type": "string"},
            },
            "required": ["id", "title", "url", "summary"],
        },
    ),
}


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def child_cards(page: Page, model: type[Page]) -> list[dict[str, Any]]:
    """Live children of `page` of type `model` as id/title/url/summary, in tree order."""
    return [
        {
            "id": child.pk,
            "title": child.title,
            "url": child.url,
            "summary": child.get_summary_text(),
        }
        for child in model.objects.child_of(page).live().public().order_by("path")
    ]


class LicensedPerson:
    """How a clinician's name and license read, shared by the Author snippet and TherapistPage
    (each gives `person_name`, `honorific`, `credentials` and the license fields)."""

    person_name: str

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.honorific, self.person_name) if part)

    @property
    def display_name(self) -> str:
        """'Dr. Maya Ortega, LMFT, CSAT': how the name reads in bylines."""
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name

    @property
    def license_title(self) -> str:
        return dict(LICENSE_TYPES).get(self.license_type, "")

    @property
    def license_display(self) -> str:
        """'Licensed Marriage and Family Therapist, CA license LMFT 44618'."""
        if not self.license_number:
            return ""
        where = f"{self.license_state} license" if self.license_state else "License"
        return ", ".join(p for p in (self.license_title, f"{where} {self.license_number}") if p)


class TeamIndexPage(PracticePage):
    """'Our team': every clinician's card, linking to their profile."""

    intro = models.TextField(blank=True, max_length=400)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    template = "pages/team_index_page.html"
    api_fields = [
        APIField("intro"),
        APIField("therapists", serializer=computed_field(CARD_SCHEMA, source="therapist_cards")),
        *PracticePage.api_fields,
    ]
    parent_page_types = ["home.HomePage"]
    subpage_types = ["home.TherapistPage"]
    max_count_per_parent = 1

    def get_summary_text(self) -> str:
        return self.intro

    def therapists(self):
        return (
            TherapistPage.objects.child_of(self)
            .live()
            .public()
            .select_related("photo")
            .order_by("path")
        )

    def therapist_cards(self) -> list[dict[str, Any]]:
        return child_cards(self, TherapistPage)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["therapists"] = self.therapists()
        return context


class TherapistPage(LicensedPerson, PracticePage):
    """A clinician's profile: who they are, their license (verifiable), what and whom they treat."""

    photo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A friendly photo; set its focal point on the face. Its description is alt text.",
    )
    honorific = models.CharField(max_length=20, blank=True, help_text="e.g. 'Dr.'; optional.")
    credentials = models.CharField(
        max_length=120, blank=True, help_text="Letters after the name, e.g. 'LMFT, CSAT, CPTT'."
    )
    job_title = models.CharField(
        max_length=160, blank=True, help_text="e.g. 'Licensed Marriage & Family Therapist'."
    )
    license_type = models.CharField(max_length=16, choices=LICENSE_TYPES, blank=True)
    license_number = models.CharField(max_length=40, blank=True, help_text="e.g. 'LMFT 44618'.")
    license_state = models.CharField(
        max_length=2, blank=True, help_text="Two-letter state that issued it, e.g. CA."
    )
    license_issuer = models.CharField(
        max_length=160, blank=True, help_text="e.g. 'California Board of Behavioral Sciences'."
    )
    license_lookup_url = models.URLField(
        blank=True,
        verbose_name="License lookup link",
        help_text="The state board's public license lookup, where visitors can verify it.",
    )
    specialties = models.TextField(blank=True, help_text=LIST_HELP)
    approaches = models.TextField(blank=True, help_text=f"{LIST_HELP} e.g. 'EFT', 'Gottman'.")
    languages = models.TextField(blank=True, default="English", help_text=LIST_HELP)
    populations = models.TextField(
        blank=True, verbose_name="Populations served", help_text=f"{LIST_HELP} e.g. 'Couples'."
    )
    in_person = models.BooleanField(default=True, verbose_name="Sees clients in person")
    video = models.BooleanField(default=True, verbose_name="Sees clients by video")
    telehealth_states = models.CharField(
        max_length=200,
        blank=True,
        help_text="States licensed for telehealth, comma-separated, e.g. 'CA'.",
    )
    accepting_new_clients = models.BooleanField(default=True)
    short_bio = RichTextField(
        features=["bold", "italic", "link"], help_text="Two to four sentences, shown on cards."
    )
    long_bio = RichTextField(
        blank=True,
        features=["bold", "italic", "link", "ol", "ul", "h2", "h3"],
        help_text="The full story: training, approach, who they help.",
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("short_bio"),
        index.SearchField("long_bio"),
        index.SearchField("specialties"),
    ]
    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("photo"),
                FieldRowPanel([FieldPanel("honorific"), FieldPanel("credentials")]),
                FieldPanel("job_title"),
                FieldPanel("accepting_new_clients"),
            ],
            heading="Who",
        ),
        MultiFieldPanel(
            [
                FieldPanel("license_type"),
                FieldRowPanel([FieldPanel("license_number"), FieldPanel("license_state")]),
                FieldPanel("license_issuer"),
                FieldPanel("license_lookup_url"),
            ],
            heading="License",
        ),
        MultiFieldPanel(
            [
                FieldPanel("specialties"),
                FieldPanel("approaches"),
                FieldPanel("populations"),
                FieldPanel("languages"),
            ],
            heading="Practice",
        ),
        MultiFieldPanel(
            [FieldPanel("in_person"), FieldPanel("video"), FieldPanel("telehealth_states")],
            heading="Session formats",
        ),
        FieldPanel("short_bio"),
        FieldPanel("long_bio"),
    ]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading="Content"),
            ObjectList(PracticePage.promote_panels, heading="Promote"),
            ObjectList(Page.settings_panels, heading="Settings"),
        ]
    )
    template = "pages/therapist_page.html"
    api_fields = [
        APIField("photo", serializer=image_field()),
        APIField("honorific"),
        APIField("credentials"),
        APIField("job_title"),
        APIField("license_type"),
        APIField("license_number"),
        APIField("license_state"),
        APIField("license_issuer"),
        APIField("license_lookup_url"),
        APIField("specialties", serializer=computed_field(STRINGS, source="specialty_list")),
        APIField("approaches", serializer=computed_field(STRINGS, source="approach_list")),
        APIField("languages", serializer=computed_field(STRINGS, source="language_list")),
        APIField("populations", serializer=computed_field(STRINGS, source="population_list")),
        APIField("in_person"),
        APIField("video"),
        APIField("telehealth_states"),
        APIField("accepting_new_clients"),
        APIField("short_bio"),
        APIField("long_bio"),
        *PracticePage.api_fields,
    ]
    parent_page_types = ["home.TeamIndexPage"]
    subpage_types: list[str] = []

    @property
    def person_name(self) -> str:
        return self.title

    def specialty_list(self) -> list[str]:
        return lines(self.specialties)

    def approach_list(self) -> list[str]:
        return lines(self.approaches)

    def language_list(self) -> list[str]:
        return lines(self.languages)

    def population_list(self) -> list[str]:
        return lines(self.populations)

    def session_formats(self) -> list[str]:
        formats = ["In person"] if self.in_person else []
        if self.video:
            where = f" (licensed in {self.telehealth_states})" if self.telehealth_states else ""
            formats.append(f"Video{where}")
        return formats

    def get_summary_text(self) -> str:
        return " ".join(strip_tags(self.short_bio).split())

    def get_main_image(self):
        return self.photo

    def person_id(self, request: Any = None) -> str:
        return f"{self.get_full_url(request)}#person"

    def person_schema(self, request: Any = None) -> dict[str, Any]:
        """The clinician as a schema.org Person, the license and certifications as credentials."""
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
            if self.license_lookup_url:
                credential["url"] = self.license_lookup_url
            credentials.append(credential)
        for letters in (c.strip() for c in self.credentials.split(",")):
            if letters and letters != self.license_type:
                credentials.append(
                    {
                        "@type": "EducationalOccupationalCredential",
                        "credentialCategory": "certification",
                        "name": letters,
                    }
                )
        data: dict[str, Any] = {
            "@type": "Person",
            "@id": self.person_id(request),
            "name": self.full_name,
            "url": self.get_full_url(request),
            "worksFor": {"@id": organisation_id(request)},
            "description": self.get_summary_text(),
        }
        if self.job_title:
            data["jobTitle"] = self.job_title
        if self.credentials:
            data["honorificSuffix"] = self.credentials
        if credentials:
            data["hasCredential"] = credentials
        if self.specialty_list():
            data["knowsAbout"] = self.specialty_list()
        if self.language_list():
            data["knowsLanguage"] = self.language_list()
        if self.photo is not None:
            data["image"] = absolute(self.photo.get_rendition("fill-400x400").url, request)
        return data

    def get_extra_structured_data(
        self, request: Any, practice: PracticeSettings
    ) -> list[dict[str, Any]]:
        return [self.person_schema(request)]
