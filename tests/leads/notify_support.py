"""Helpers shared by the notification and fault-injection tests (not tests themselves)."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from email.message import Message
from http.client import HTTPConnection

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


# Short timings so the whole suite stays fast; production defaults are in cms/settings/base.py.
FAST = {
    "LEADS_NOTIFY_RELAY_INTERVAL": "1",
    "LEADS_NOTIFY_REPUBLISH_AFTER": "3",
    "LEADS_NOTIFY_STUCK_AFTER": "6",
    "LEADS_NOTIFY_BACKOFF_BASE": "1",
    "LEADS_NOTIFY_BACKOFF_MAX": "8",
    "LEADS_NOTIFY_MAX_ATTEMPTS": "10",
}


def worker_env(smtp_sink, redis_server) -> dict[str, str]:
    """The environment of a worker that sends to `smtp_sink` through `redis_server`."""
    return {**FAST, "EMAIL_URL": f"{smtp_sink.url}?timeout=5", "REDIS_URL": redis_server.url}


def delivered(smtp_sink) -> Counter:
    """How many emails the SMTP server accepted per lead."""
    with smtp_sink.lock:
        messages = list(smtp_sink.messages)
    return Counter(lead_id_of(message) for message in messages)


def post_lead(base_url: str, number: int | None) -> tuple[int, float]:
    """POST one consultation request to the JSON API; returns (status, seconds taken).

    `number=None` posts an empty object: a 400 that stores nothing (to warm a server up).
    """
    host, port = base_url.removeprefix("http://").split(":")
    fields = {
        "name": f"Fault Test {number}",
        "email": f"fault{number}@example.org",
        "phone": "+14085550142",
        "message": "Please call me.",
        "consent": True,
    }
    body = json.dumps(fields if number is not None else {})
    started = time.monotonic()
    connection = HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request(
            "POST", "/api/v2/leads/", body=body, headers={"Content-Type": "application/json"}
        )
        status = connection.getresponse().status
    finally:
        connection.close()
    return status, time.monotonic() - started
