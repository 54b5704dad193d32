"""The practice core: its settings, reusable calls to action and the general page types."""

from .pages import ContactPage, HomePage, PracticePage, StandardPage
from .settings import PracticeSettings
from .snippets import CallToAction

__all__ = [
    "CallToAction",
    "ContactPage",
    "HomePage",
    "PracticePage",
    "PracticeSettings",
    "StandardPage",
]
