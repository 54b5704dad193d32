"""Helpers shared by the notification and fault-injection tests (not tests themselves)."""

from __future__ import annotations

import re
from email.message import Message

from django.db import transaction
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from leads.models import Lead, Notification
from leads.outbox import queue_notifications

ADMIN_LINK = re.compile(r"/admin/leads/(?:lead/)?edit/(\d+)/")


def default_site() -> Site:
    """The default site, created when a transactional test flushed the migrations' one."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is not None:
        return site
    Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = root.add_child(instance=Page(title="Home", slug="home"))
    return Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)


def add_page(title: str) -> Page:
    """A published page under the default site's home page."""
    home = default_site().root_page
    return home.add_child(instance=Page(title=title, slug=title.lower().replace(" ", "-")))


def make_lead(**fields) -> Lead:
    values = {
        "name": "Test Person",
        "email": "person@example.org",
        "phone": "+14085550142",
        "message": "Hello",
        "consent_version": "2026-01",
        "consented_at": timezone.now(),
    }
    values.update(fields)
    return Lead.objects.create(**values)


def submit_leads(count: int, **fields) -> list[Notification]:
    """`count` leads, each stored with its outbox row in its own transaction (as intake does)."""
    rows = []
    for number in range(count):
        with transaction.atomic():
            lead = make_lead(email=f"person{number}@example.org", **fields)
            rows += queue_notifications(lead)
    return rows


def lead_id_of(message: Message) -> int:
    """The lead a practice notification is about, read from its admin link."""
    body = message.get_payload(decode=True).decode()
    match = ADMIN_LINK.search(body)
    assert match, "the notification has no admin link"
    return int(match.group(1))
