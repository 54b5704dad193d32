"""The practice's details, stored once per site."""

from __future__ import annotations

import copy

import phonenumbers
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import (
    FieldPanel,
    MultiFieldPanel,
    ObjectList,
    PageChooserPanel,
    TabbedInterface,
)
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Site

from cms.serving.errors import remember_phone
from cms.serving.refdata import memoized, site_for_request
from home.actions import CONSULTATION_ANCHOR
from home.blocks import FeeBlock, OpeningHoursBlock, ProfileLinkBlock
from home.brand import contrast_problems

ORGANISATION_TYPES = [
    ("MedicalBusiness", "Medical business (counselling, therapy)"),
    ("MedicalClinic", "Medical clinic"),
    ("ProfessionalService", "Professional service"),
    ("LocalBusiness", "Local business"),
]


# Who the practice is, how it is reached and what every page says in its header, footer and
# search results: superusers only (no group holds this permission). Fees, insurance, hours and
# directions are open to everyone who may change the settings (Editors and Moderators, home 0005).
IDENTITY = "home.edit_practice_identity"


@register_setting(icon="site")
class PracticeSettings(BaseSiteSetting):
    """The practice's public contact details, stored once and used by every page and the API."""

    practice_name = models.CharField(max_length=120, default="Counselling practice")
    phone = models.CharField(
        max_length=32,
        blank=True,
        help_text="The practice phone, as visitors should read it, e.g. (408) 555-0142.",
    )
    email = models.EmailField(blank=True, help_text="Public contact email address.")
    crisis_notice = models.CharField(
        max_length=255,
        blank=True,
        default="If you are in crisis, call or text 988 (Suicide & Crisis Lifeline).",
        help_text="Shown on every page. Leave empty to hide it.",
    )
    street_address = models.CharField(max_length=200, blank=True, help_text="Street and suite.")
    locality = models.CharField(max_length=100, blank=True, help_text="City, e.g. San Jose.")
    region = models.CharField(max_length=100, blank=True, help_text="State, e.g. CA.")
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, default="US", help_text="Two letters.")
    service_area = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where you see clients, e.g. 'In person in San Jose, online across California'.",
    )
    booking_url = models.URLField(
        blank=True, help_text="Your online booking page; used by 'Book' buttons."
    )
    social_links = StreamField(
        [("link", ProfileLinkBlock())],
        blank=True,
        help_text="Directory listings and social profiles, shown in the footer.",
    )
    privacy_policy_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Linked from the footer and from the consultation form.",
    )
    contact_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page with the consultation form; 'Open the form' buttons go there.",
    )
    default_cta = models.ForeignKey(
        "home.CallToAction",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="Header call to action",
        help_text="The button in every page's header. Empty: 'Call for a free consultation'.",
    )
    footer_text = models.TextField(
        blank=True, max_length=600, help_text="A short line in the footer, e.g. your licence."
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown in the header (about 240x80 works); its description is the alt text.",
    )
    brand_colour = models.CharField(
        max_length=7,
        default="#0b5d57",
        help_text="Buttons and links, as # and six hex digits. Checked for readable contrast "
        "against white text and the page when you save.",
    )
    fees = StreamField(
        [("fee", FeeBlock())],
        blank=True,
        help_text="One row per kind of session: shown on the home page, service pages and "
        "contact page.",
    )
    sliding_scale = models.TextField(
        blank=True,
        max_length=400,
        help_text="Reduced fees you offer and to whom. Empty: no sliding scale is mentioned.",
    )
    insurance = models.TextField(
        blank=True,
        max_length=400,
        help_text="Insurance plans accepted, or that you are out of network.",
    )
    superbills = models.BooleanField(
        default=True, help_text="You give clients a superbill to claim out-of-network benefits."
    )
    cancellation_policy = models.TextField(blank=True, max_length=600)
    free_consultation = models.CharField(
        max_length=160,
        blank=True,
        default="Free 15-minute phone consultation",
        help_text="The free first-call offer; empty hides it.",
    )
    directions = models.TextField(blank=True, max_length=600, help_text="How to find the office.")
    parking_accessibility = models.TextField(
        blank=True,
        max_length=600,
        verbose_name="Parking and accessibility",
        help_text="Parking, public transport, step-free access, restrooms.",
    )
    map_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A map picture you upload (nothing is loaded from a map provider). Its "
        "description is the alt text.",
    )
    opening_hours = StreamField([("hours", OpeningHoursBlock())], blank=True)
    organisation_type = models.CharField(
        max_length=32,
        choices=ORGANISATION_TYPES,
        default="MedicalBusiness",
        help_text="How search engines should classify the practice.",
    )
    default_share_image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown when a page is shared and has no image of its own (1200x630 works).",
    )

    select_related = [
        "privacy_policy_page",
        "contact_page",
        "default_cta",
        "default_cta__link_page",
        "default_share_image",
        "logo",
        "map_image",
    ]

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    FieldPanel("practice_name", permission=IDENTITY),
                    MultiFieldPanel(
                        [
                            FieldPanel("phone", permission=IDENTITY),
                            FieldPanel("email", permission=IDENTITY),
                            FieldPanel("booking_url", permission=IDENTITY),
                        ],
                        heading="Contact",
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("street_address", permission=IDENTITY),
                            FieldPanel("locality", permission=IDENTITY),
                            FieldPanel("region", permission=IDENTITY),
                            FieldPanel("postal_code", permission=IDENTITY),
                            FieldPanel("country", permission=IDENTITY),
                            FieldPanel("service_area", permission=IDENTITY),
                        ],
                        heading="Address and service area",
                    ),
                    FieldPanel("crisis_notice", permission=IDENTITY),
                ],
                heading="Practice",
                permission=IDENTITY,
            ),
            ObjectList(
                [
                    FieldPanel("free_consultation"),
                    FieldPanel("fees"),
                    FieldPanel("sliding_scale"),
                    FieldPanel("insurance"),
                    FieldPanel("superbills"),
                    FieldPanel("cancellation_policy"),
                ],
                heading="Fees and insurance",
            ),
            ObjectList(
                [
                    FieldPanel("opening_hours"),
                    FieldPanel("directions"),
                    FieldPanel("parking_accessibility"),
                    FieldPanel("map_image"),
                ],
                heading="Location and hours",
            ),
            ObjectList(
                [
                    FieldPanel("logo", permission=IDENTITY),
                    FieldPanel("brand_colour", permission=IDENTITY),
                ],
                heading="Look",
                permission=IDENTITY,
            ),
            ObjectList(
                [
                    FieldPanel("default_cta", permission=IDENTITY),
                    PageChooserPanel("contact_page", permission=IDENTITY),
                    PageChooserPanel("privacy_policy_page", permission=IDENTITY),
                    FieldPanel("footer_text", permission=IDENTITY),
                    FieldPanel("social_links", permission=IDENTITY),
                ],
                heading="Header and footer",
                permission=IDENTITY,
            ),
            ObjectList(
                [
                    FieldPanel("organisation_type", permission=IDENTITY),
                    FieldPanel("default_share_image", permission=IDENTITY),
                ],
                heading="Search and sharing",
                permission=IDENTITY,
            ),
        ]
    )

    class Meta:
        verbose_name = "Practice settings"
        permissions = [
            (
                "edit_practice_identity",
                "Can edit the practice's name, contact details, crisis notice, look and pages",
            )
        ]

    def __str__(self) -> str:
        return self.practice_name

    def clean(self):
        super().clean()
        problems = contrast_problems(self.brand_colour)
        if problems:
            raise ValidationError({"brand_colour": problems})

    @classmethod
    def for_request(cls, request) -> PracticeSettings:
        """Wagtail's per-request settings, read from the reference data (cms.serving.refdata)."""
        attr_name = cls.get_cache_attr_name()
        if hasattr(request, attr_name):
            return getattr(request, attr_name)
        site = site_for_request(request)
        if site is None:
            return super().for_request(request)
        practice = cls.for_site_shared(site)
        practice._request = request
        setattr(request, attr_name, practice)
        remember_phone(request, practice.phone)
        return practice

    @classmethod
    def for_site_shared(cls, site) -> PracticeSettings:
        """The settings of `site` from the reference data (a copy: Wagtail notes the request on
        the instance)."""
        if site is None:
            return cls.load_default()
        shared = memoized(("practice", site.pk), lambda: cls.for_site(site))
        return copy.copy(shared)

    @classmethod
    def load_default(cls) -> PracticeSettings:
        """The default site's settings, for code that renders without a request."""
        site = Site.objects.filter(is_default_site=True).first()
        return cls.for_site(site) if site is not None else cls()

    @property
    def phone_e164(self) -> str:
        """The phone in E.164 (+14085550142), or empty when it does not parse as a number."""
        if not self.phone:
            return ""
        try:
            number = phonenumbers.parse(self.phone, "US")
        except phonenumbers.NumberParseException:
            return ""
        if not phonenumbers.is_possible_number(number):
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    @property
    def phone_href(self) -> str:
        return f"tel:{self.phone_e164}" if self.phone_e164 else ""

    @property
    def consultation_url(self) -> str:
        """Where 'open the consultation form' buttons go: the contact page's form."""
        page = self.contact_page
        if page is None or not page.live:
            return ""
        return f"{page.url}#{CONSULTATION_ANCHOR}"

    @property
    def privacy_policy_url(self) -> str:
        page = self.privacy_policy_page
        return page.url if page is not None and page.live else ""

    @property
    def postal_address(self) -> str:
        """The address on one line, for people."""
        region = " ".join(part for part in (self.region, self.postal_code) if part)
        parts = (self.street_address, self.locality, region)
        return ", ".join(part for part in parts if part)

    def header_action(self):
        """The header's button: the chosen default CTA, else a call to the practice."""
        from home.actions import resolve_action

        if self.default_cta is not None:
            return self.default_cta.resolve(self)
        return resolve_action("call", self, button_label="Call for a free consultation")

    def booking_action(self):
        """The header's and hero's booking button: the booking page, else the consultation form."""
        from home.actions import Action, resolve_action

        action = Action.BOOKING if self.booking_url else Action.FORM
        return resolve_action(action, self, button_label="Book a free consultation")

    @property
    def price_range(self) -> str:
        """'$150-$220': the lowest and highest fee, for people and search engines."""
        prices = sorted(fee.value["price"] for fee in self.fees)
        if not prices:
            return ""
        low, high = prices[0], prices[-1]
        return f"${low}" if low == high else f"${low}-${high}"
