"""The one declaration of a consultation request's fields, so intake, admin and exports agree.

`LEAD_FIELDS` names every field once: what a visitor may send (the JSON API's accepted fields and
the HTML form's fields, in the form's order), which Lead column it is stored in, and which columns
the admin and the person's data export show. Everything else is derived from it: `api.FIELDS` and
the OpenAPI operation, `forms.LeadForm`, the columns `services.submit_lead` stores, the admin
detail and CSV/XLSX export (`viewsets.LeadViewSet`) and `privacy.export_person`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from .models import Lead

MESSAGE_MAX_LENGTH = 1000
MESSAGE_HINT = (
    "Optional, up to 1000 characters. Please do not include clinical or health details here: "
    "we will talk about what brings you in when we speak."
)
CONSENT_LABEL = (
    "I agree that the practice stores these details to answer my request, as described in the "
    "privacy policy."
)


class Kind(StrEnum):
    """What a visitor sends for an intake field (it picks the form field and the JSON type)."""

    LINE = "line"  # one line of text
    EMAIL = "email"  # an email address, on one line
    TEXT = "text"  # free text over several lines
    CHOICE = "choice"  # one of the field's `choices`
    CONSENT = "consent"  # a tick box: true or false
    PAGE = "page"  # the id of a Wagtail page


class Source(StrEnum):
    """Who supplies an intake field."""

    PERSON = "person"  # the person types it: the form shows it, in declaration order
    ATTRIBUTION = "attribution"  # the page showing the form (hidden inputs) or the API client
    SPAM_CHECK = "spam check"  # a spam layer: the honeypot, the form's start time, reCAPTCHA


_SAME_AS_NAME = "="


@dataclass(frozen=True)
class LeadField:
    """One field of a consultation request: who supplies it, where it is stored, who sees it."""

    #: The name a visitor sends it under (form input and JSON key), else its Lead column.
    name: str
    #: The Lead column it is stored in (the name itself by default); None when it is not stored.
    column: str | None = _SAME_AS_NAME
    #: Who supplies it at intake; None for a column the practice's code or staff set.
    source: Source | None = None
    kind: Kind = Kind.LINE
    #: What the form calls it (visitor-facing; the admin uses the model's verbose names).
    label: str = ""
    help_text: str = ""
    max_length: int | None = None
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()
    #: Accepted by the JSON API (False: the HTML form only).
    api: bool = True
    #: The page's query string may carry it (campaign links): the form copies it from there.
    from_query: bool = False
    #: Shown in the admin detail and the CSV/XLSX export (stored fields only).
    exported: bool = True
    #: Says what the request is and where it stands: the first columns in the admin.
    pipeline: bool = False

    def __post_init__(self) -> None:
        if self.column == _SAME_AS_NAME:
            object.__setattr__(self, "column", self.name)

    @property
    def is_intake(self) -> bool:
        return self.source is not None

    @property
    def is_stored(self) -> bool:
        return self.column is not None


PERSON, ATTRIBUTION, SPAM_CHECK = Source.PERSON, Source.ATTRIBUTION, Source.SPAM_CHECK

# In the order of the HTML form for intake fields, and of the Lead model for stored ones.
LEAD_FIELDS: tuple[LeadField, ...] = (
    LeadField("reference", pipeline=True),
    LeadField("name", source=PERSON, label="Your name", max_length=120, required=True),
    LeadField(
        "email",
        source=PERSON,
        kind=Kind.EMAIL,
        label="Email address",
        max_length=254,
        required=True,
    ),
    LeadField(
        "phone",
        source=PERSON,
        label="Phone number",
        max_length=32,
        help_text="US number, e.g. (408) 555-0142. Needed if you prefer a call or a text.",
    ),
    LeadField(
        "preferred_contact",
        source=PERSON,
        kind=Kind.CHOICE,
        label="How should we contact you?",
        choices=tuple(Lead.ContactMethod.choices),
    ),
    LeadField(
        "preferred_times",
        source=PERSON,
        label="Best times to reach you",
        max_length=200,
        help_text="Optional, e.g. weekday evenings.",
    ),
    LeadField(
        "message",
        source=PERSON,
        kind=Kind.TEXT,
        label="Anything you would like us to know",
        max_length=MESSAGE_MAX_LENGTH,
        help_text=MESSAGE_HINT,
    ),
    # Stored as the consent text's version and the time, both set by intake.
    LeadField(
        "consent",
        column=None,
        source=PERSON,
        kind=Kind.CONSENT,
        label=CONSENT_LABEL,
        required=True,
    ),
    LeadField("consent_version"),
    LeadField("consented_at"),
    LeadField("source_page", source=ATTRIBUTION, kind=Kind.PAGE),
    LeadField("block_id", column="source_block_id", source=ATTRIBUTION, max_length=64),
    LeadField("utm_source", source=ATTRIBUTION, max_length=100, from_query=True),
    LeadField("utm_medium", source=ATTRIBUTION, max_length=100, from_query=True),
    LeadField("utm_campaign", source=ATTRIBUTION, max_length=100, from_query=True),
    # The full referrer arrives; only its host is kept.
    LeadField("referrer", column="referrer_host", source=ATTRIBUTION, max_length=2000),
    LeadField("received_at", pipeline=True),
    LeadField("status", pipeline=True),
    LeadField("is_spam"),
    LeadField("spam_reason"),
    LeadField("is_duplicate"),
    LeadField("captcha_unverified"),
    LeadField("ip_hash", exported=False),  # a salted hash; only the person's own export has it
    LeadField(
        "website", column=None, source=SPAM_CHECK, label="Leave this field empty", max_length=200
    ),
    LeadField("started", column=None, source=SPAM_CHECK, max_length=200, api=False),
    LeadField("recaptcha_token", column=None, source=SPAM_CHECK, max_length=4000),
)

#: What a visitor may send, in the form's order (`forms.LeadForm`).
INTAKE_FIELDS = tuple(field for field in LEAD_FIELDS if field.is_intake)
#: What the JSON API accepts (`api.FIELDS`).
API_FIELDS = tuple(field for field in INTAKE_FIELDS if field.api)
#: The fields the person fills in, in display order.
PERSON_FIELDS = tuple(field for field in INTAKE_FIELDS if field.source is Source.PERSON)
#: Intake fields the form pre-fills from the page's query string.
QUERY_FIELDS = tuple(field for field in INTAKE_FIELDS if field.from_query)
#: Intake fields stored in a Lead column (`services.submit_lead`).
STORED_INTAKE_FIELDS = tuple(field for field in INTAKE_FIELDS if field.is_stored)
#: Every Lead column held about a person, in model order (`privacy.export_person`).
STORED_FIELDS = tuple(field for field in LEAD_FIELDS if field.is_stored)
#: The admin detail and export columns: what the request is and where it stands, then the rest.
ADMIN_FIELDS = tuple(
    sorted(
        (field for field in STORED_FIELDS if field.exported),
        key=lambda field: not field.pipeline,
    )
)
