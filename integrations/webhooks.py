"""Publish webhooks: what a change affects, the outbox rows, the signature and the URL guard.

`queue_event()` writes one `WebhookDelivery` per subscribed endpoint inside the transaction of
the change (when the change runs in one) and publishes the delivery task after the commit, with
the same short deadline as lead notifications; `integrations.tasks.relay_webhooks` (beat)
publishes whatever that missed. The payload names the public URLs and API URLs the change
affects, so a frontend revalidates exactly those.

Signature: `X-Webhook-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" keyed
with the endpoint's secret>`. Check it with a constant-time comparison and refuse old timestamps.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterable
from functools import partial
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

DELIVER_TASK = "integrations.tasks.deliver_webhook"
PUBLISH_DEADLINE = 1.0
SIGNATURE_HEADER = "X-Webhook-Signature"
Event = WebhookEndpoint.Event


# What a change affects ---------------------------------------------------------------------------


def _absolute(path: str) -> str:
    return settings.WAGTAILAPI_BASE_URL.rstrip("/") + path


def _api(name: str, *args: Any, query: dict[str, Any] | None = None) -> str | None:
    try:
        path = reverse(f"wagtailapi:{name}", args=args)
    except NoReverseMatch:
        return None
    return _absolute(path + (f"?{urlencode(query)}" if query else ""))


def page_targets(page: Any, *, old_url: str | None = None) -> dict[str, Any]:
    """The object and the URLs a change to `page` affects: its page, its parent's page and
    listings (the parent lists its children), the type's listing, and the path lookup."""
    specific = page.specific_class or type(page)
    label = f"{specific._meta.app_label}.{specific.__name__}"
    parent = page.get_parent()
    url = page.full_url
    urls = [url, old_url]
    api_urls = [
        _api("pages:detail", page.pk),
        _api("pages:listing"),
        _api("pages:listing", query={"type": label}),
    ]
    for path in {urlsplit(value).path for value in (url, old_url) if value}:
        api_urls.append(_api("pages:find", query={"html_path": path}))
    if parent is not None and parent.depth > 1:
        urls.append(parent.full_url)
        api_urls += [
            _api("pages:detail", parent.pk),
            _api("pages:listing", query={"child_of": parent.pk}),
        ]
    return {
        "object": {"kind": "page", "type": label, "id": page.pk, "title": page.title},
        "urls": [value for value in dict.fromkeys(urls) if value],
        "api_urls": [value for value in dict.fromkeys(api_urls) if value],
        "revalidate_all": False,
    }


def object_targets(instance: Any, kind: str) -> dict[str, Any]:
    """A snippet or image appears on many pages: the frontend should revalidate everything."""
    api_urls = [_api("images:detail", instance.pk)] if kind == "image" else []
    return {
        "object": {
            "kind": kind,
            "type": instance._meta.label,
            "id": instance.pk,
            "title": str(instance)[:200],
        },
        "urls": [],
        "api_urls": [value for value in api_urls if value],
        "revalidate_all": True,
    }


# The outbox --------------------------------------------------------------------------------------


def queue_event(event: str, targets: dict[str, Any]) -> list[int]:
    """Write a delivery for each active endpoint that wants `event`; publish after the commit."""
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(active=True)
        if event in endpoint.events
    ]
    if not endpoints:
        return []
    payload = {"event": event, "occurred_at": timezone.now().isoformat(), **targets}
    with transaction.atomic():  # joins the change's transaction when there is one
        ids = [
            WebhookDelivery.objects.create(
                endpoint=endpoint, event=event, payload={"id": str(uuid.uuid4()), **payload}
            ).pk
            for endpoint in endpoints
        ]
        transaction.on_commit(partial(publish, ids))
    return ids


def queue_test(endpoint: WebhookEndpoint) -> int:
    """The admin's "send test": one delivery of a `ping` event to this endpoint."""
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="ping",
            payload={
                "id": str(uuid.uuid4()),
                "event": "ping",
                "occurred_at": timezone.now().isoformat(),
                "object": None,
                "urls": [],
                "api_urls": [],
                "revalidate_all": False,
            },
        )
        transaction.on_commit(partial(publish, [delivery.pk]))
    return delivery.pk


def publish(ids: Iterable[int], deadline: float = PUBLISH_DEADLINE) -> bool:
    """Best effort, at most `deadline` seconds; never raises (the relay publishes the rest)."""
    ids = list(ids)
    outcome: dict[str, bool] = {}

    def run() -> None:
        try:
            publish_now(ids)
            outcome["ok"] = True
        except Exception as exc:
            logger.warning("Publishing %d webhook(s) failed (%s).", len(ids), type(exc).__name__)

    thread = threading.Thread(target=run, name="webhook-publish", daemon=True)
    thread.start()
    thread.join(deadline)
    return outcome.get("ok", False)


def publish_now(ids: list[int], published: list[int] | None = None) -> None:
    """Publish DELIVER_TASK(id) for each id on one connection with short timeouts (may raise)."""
    from celery import current_app

    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5, "max_retries": 0}
    with current_app.connection_for_write(
        connect_timeout=0.5, transport_options=options
    ) as connection:
        for delivery_id in ids:
            current_app.send_task(
                DELIVER_TASK,
                args=(delivery_id,),
                connection=connection,
                retry=False,
                ignore_result=True,
            )
            if published is not None:
                published.append(delivery_id)


# Signature and URL guard -------------------------------------------------------------------------


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The X-Webhook-Signature value for `body`: `t=<unix>,v1=<hex HMAC-SHA256>`."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


def verify(secret: str, body: bytes, header: str, tolerance: int = 300) -> bool:
    """What a receiver does (used by the tests and shown in the README)."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance:
        return False
    expected = sign(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def check_url(url: str) -> None:
    """Refuse a URL that is not http(s), or whose host is a private, loopback or link-local
    address (SSRF), unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES is set. Raises ValidationError."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValidationError("Use an http:// or https:// URL with a host name.")
    if getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ValidationError("The host name does not resolve.") from exc
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ValidationError(
                "This URL points at a private or local address, which webhooks may not reach."
            )
