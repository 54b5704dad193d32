"""What a call-to-action button does, worked out in one place for snippets, blocks and the header.

A CTA stores an *action* (call the practice, open the booking page, go to a page, open the
consultation form); the link and the default button label are derived here from the practice
settings, so changing the phone number or booking URL in the settings changes every button.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models


class Action(models.TextChoices):
    CALL = "call", "Call the practice phone"
    BOOKING = "booking", "Open the booking page"
    PAGE = "page", "Go to a page on this site"
    FORM = "form", "Open the consultation form"


class Emphasis(models.TextChoices):
    STRONG = "strong", "Strong: the main action on the page"
    STANDARD = "standard", "Standard"
    QUIET = "quiet", "Quiet: a gentle reminder"


CONSULTATION_ANCHOR = "consultation-form"


@dataclass(frozen=True)
class ResolvedAction:
    """A button ready to render: where it goes and what it says."""

    action: str
    href: str
    label: str
    is_phone: bool = False

    def __bool__(self) -> bool:
        return bool(self.href)


def default_label(action: str, practice: Any, page: Any = None) -> str:
    """The label a button gets when the editor leaves it empty."""
    if action == Action.CALL:
        phone = getattr(practice, "phone", "")
        return f"Call {phone}" if phone else "Call us"
    if action == Action.BOOKING:
        return "Book a free consultation"
    if action == Action.FORM:
        return "Request a free consultation"
    if action == Action.PAGE and page is not None:
        return page.title
    return "Find out more"


def resolve_action(
    action: str, practice: Any, *, page: Any = None, button_label: str = ""
) -> ResolvedAction:
    """Turn a stored action into a link; the href is empty when the practice lacks the data.

    A linked page that is not live or is private (under a view restriction) counts as unset, so
    neither its URL nor its title shows.
    """
    from cms.serving.refdata import is_public

    if page is not None and not (page.live and is_public(page)):
        page = None
    href = ""
    if action == Action.CALL:
        href = getattr(practice, "phone_href", "") or ""
    elif action == Action.BOOKING:
        href = getattr(practice, "booking_url", "") or ""
    elif action == Action.FORM:
        href = getattr(practice, "consultation_url", "") or ""
    elif action == Action.PAGE and page is not None:
        href = page.url or ""
    return ResolvedAction(
        action=action,
        href=href,
        label=button_label or default_label(action, practice, page),
        is_phone=action == Action.CALL,
    )
