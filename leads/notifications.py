"""The emails about a lead: the practice's notification and the optional acknowledgement.

The practice's email says that a request arrived, when, from which page, and where to read it in
the admin. Nothing the visitor typed goes into its subject, body or headers: the inbox, its
previews and its backups are not where a person's health-related request should live.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from leads.models import Lead, Notification

PRACTICE_SUBJECT = "New consultation request"


class NoRecipients(Exception):
    """The message has nobody to go to (LEADS_NOTIFY_TO empty, or a lead without email)."""


def lead_admin_url(lead: Lead) -> str:
    """The absolute URL of the lead in the admin, built from SITE_URL."""
    for name in ("leads_lead:edit", "leads:edit", "wagtailsnippets_leads_lead:edit"):
        try:
            path = reverse(name, args=[lead.pk])
        except NoReverseMatch:
            continue
        return settings.SITE_URL + path
    return settings.SITE_URL + reverse("wagtailadmin_home")


def acknowledgement_enabled(lead: Lead | None = None) -> bool:
    """Whether staff switched on the acknowledgement email to the visitor (off by default)."""
    return False


def practice_message(lead: Lead) -> EmailMessage:
    """The practice's notification: constant subject, time, page title and admin link only."""
    if not settings.LEADS_NOTIFY_TO:
        raise NoRecipients("LEADS_NOTIFY_TO is empty")
    page = lead.source_page
    context = {
        "received_at": timezone.localtime(lead.received_at),
        "page_title": page.title if page is not None else "",
        "admin_url": lead_admin_url(lead),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    body = render_to_string("emails/leads/practice_notification.txt", context)
    return EmailMessage(
        subject=PRACTICE_SUBJECT,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(settings.LEADS_NOTIFY_TO),
    )


def build_message(notification: Notification) -> EmailMessage:
    """The email a notification row stands for."""
    if notification.kind == Notification.Kind.PRACTICE:
        return practice_message(notification.lead)
    raise NoRecipients(f"no acknowledgement configured for kind {notification.kind}")
