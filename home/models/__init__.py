"""The practice core: its settings, reusable calls to action and the general page types."""

from .pages import ContactPage, HomePage, PracticePage, StandardPage
from .service_pages import ServicePage, ServicePageRelated, ServicesIndexPage
from .settings import PracticeSettings
from .snippets import CallToAction
from .team_pages import LICENSE_TYPES, LicensedPerson, TeamIndexPage, TherapistPage

__all__ = [
    "LICENSE_TYPES",
    "CallToAction",
    "ContactPage",
    "HomePage",
    "LicensedPerson",
    "PracticePage",
    "PracticeSettings",
    "ServicePage",
    "ServicePageRelated",
    "ServicesIndexPage",
    "StandardPage",
    "TeamIndexPage",
    "TherapistPage",
]
