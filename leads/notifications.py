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
from wagtail.models import Site

from leads.models import (
    ACKNOWLEDGEMENT_BODY,
    ACKNOWLEDGEMENT_SUBJECT,
    Lead,
    LeadNotificationSettings,
    Notification,
)

PRACTICE_SUBJECT = "New consultation request"


class NoRecipients(Exception):
    """The message has nobody to go to (LEADS_NOTIFY_TO empty, or a lead without email)."""


def lead_admin_url(lead: Lead) -> str:
    """The absolute URL of the lead in the admin (the Leads viewset), built from SITE_URL."""
    try:
        path = reverse("leads_lead:edit", args=[lead.pk])
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return settings.SITE_URL + path


def notification_settings(lead: Lead) -> LeadNotificationSettings | None:
    """The acknowledgement settings of the lead's site (its source page's, else the default)."""
    site = None
    if lead.source_page_id is not None and lead.source_page is not None:
        site = lead.source_page.get_site()
    if site is None:
        site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return None
    return LeadNotificationSettings.for_site(site)


def acknowledgement_enabled(lead: Lead) -> bool:
    """Whether staff switched on the acknowledgement email to the visitor (off by default)."""
    options = notification_settings(lead)
    return bool(options and options.acknowledgement_enabled)


def practice_message(lead: Lead) -> EmailMessage:
    """The practice's notification: constant subject, time, page title and admin link only."""
    if not settings.LEADS_NOTIFY_TO:
        raise NoRecipients("LEADS_NOTIFY_TO is empty")
    page = lead.source_page
    # Only a page anyone may read: a page unpublished or made private since says nothing.
    shown = page is not None and page.live and not page.get_view_restrictions().exists()
    context = {
        "received_at": timezone.localtime(lead.received_at),
        "page_title": page.title if shown else "",
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


def acknowledgement_message(lead: Lead) -> EmailMessage:
    """The visitor's confirmation: the staff's words only, to the address they gave."""
    options = notification_settings(lead)
    if not lead.email:
        raise NoRecipients("the lead has no email address")
    subject = options.acknowledgement_subject if options else ACKNOWLEDGEMENT_SUBJECT
    body = options.acknowledgement_body if options else ACKNOWLEDGEMENT_BODY
    return EmailMessage(
        subject=subject.strip() or ACKNOWLEDGEMENT_SUBJECT,
        body=body.strip() + "\n",
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[lead.email],
    )


def build_message(notification: Notification) -> EmailMessage:
    """The email a notification row stands for."""
    if notification.kind == Notification.Kind.ACKNOWLEDGEMENT:
        return acknowledgement_message(notification.lead)
    return practice_message(notification.lead)
