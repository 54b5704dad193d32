"""Frontend API keys (stored hashed) and publish webhooks with their delivery outbox."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils import timezone


class FrontendKey(models.Model):
    """A key a server-side frontend sends with leads, so the visitor's address counts, not its own.

    Only a SHA-256 hash of the key is stored; the key itself is shown once, when it is created.
    """

    name = models.CharField(
        max_length=100, help_text="Which frontend uses it, e.g. “Next.js site”."
    )
    prefix = models.CharField(max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    active = models.BooleanField(default=True, help_text="Turn off to refuse this key at once.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = "frontend API key"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """A frontend URL told about content changes, so a static or ISR site rebuilds what changed."""

    class Event(models.TextChoices):
        PUBLISH = "page.published", "Page published"
        UNPUBLISH = "page.unpublished", "Page unpublished"
        DELETE = "page.deleted", "Page deleted"
        MOVE = "page.moved", "Page moved"
        SNIPPET = "snippet.changed", "Snippet changed or deleted"
        IMAGE = "image.changed", "Image changed or deleted"

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500, help_text="http(s) URL that receives a signed POST.")
    secret = models.CharField(
        max_length=100,
        default=new_webhook_secret,
        help_text="Shared with the receiver to check the X-Webhook-Signature header.",
    )
    events = models.JSONField(default=list, help_text="What to send (a list of event names).")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """The outbox and history of webhooks: one row per event and endpoint, written with the change.

    The row is the source of truth (like lead notifications): the worker sends it, a relay
    re-publishes due rows, failures retry with backoff, and the last status code stays visible.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Delivered"
        FAILED = "failed", "Failed, will retry"
        DEAD = "dead", "Gave up"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=20)
    payload = models.JSONField()
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The receiver's last HTTP status."
    )
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} #{self.pk} ({self.state})"
