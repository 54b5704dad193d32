"""Background work for webhooks: sending one delivery, and the relay that makes sending reliable.

The same guarantees as lead notifications (leads.tasks): `deliver_webhook(id)` claims its row with
a conditional update, so a duplicate message or a second worker finds nothing to do; failures go
back to `failed` with exponential backoff, and to `dead` after WEBHOOKS_MAX_ATTEMPTS or on a
permanent answer; `relay_webhooks` (beat) publishes due rows and reclaims rows a dead worker left
in `sending`. A receiver may see a delivery twice only if a worker dies between its 2xx and the
status update: deliveries carry an `id` to de-duplicate on.
"""

from __future__ import annotations

import json
import logging
import random
from datetime import timedelta

import requests
from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import WebhookDelivery
from .webhooks import SIGNATURE_HEADER, check_url, publish_now, sign

logger = logging.getLogger(__name__)

State = WebhookDelivery.State
RETRYABLE_STATES = (State.PENDING, State.FAILED)
TIMEOUT = (3.05, 10)  # connect, read (seconds)


def backoff_seconds(attempts: int) -> float:
    """base * 2^(n-1), capped, then between half and all of it (jitter)."""
    base, cap = settings.WEBHOOKS_BACKOFF_BASE, settings.WEBHOOKS_BACKOFF_MAX
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (jitter, not security)


class PermanentFailure(Exception):
    """An answer retrying cannot change (a refused URL, 4xx other than 408/429)."""


@shared_task(ignore_result=True, acks_late=True)
def deliver_webhook(delivery_id: int) -> str:
    """POST one delivery, signed; returns what happened (for logs and tests)."""
    now = timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, state__in=RETRYABLE_STATES, next_attempt_at__lte=now
    ).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    delivery = WebhookDelivery.objects.select_related("endpoint").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    status = None
    try:
        status = _post(delivery)
    except Exception as exc:
        return _record_failure(delivery, exc, status)
    WebhookDelivery.objects.filter(pk=delivery_id, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), claimed_at=None, last_error="", status_code=status
    )
    logger.info("Webhook delivery %s sent (attempt %s).", delivery_id, delivery.attempts)
    return "sent"


def _post(delivery: WebhookDelivery) -> int:
    endpoint = delivery.endpoint
    try:
        check_url(endpoint.url)  # again at send time: DNS may have changed since it was saved
    except ValidationError as exc:
        raise PermanentFailure("URL refused") from exc
    body = json.dumps(delivery.payload, separators=(",", ":")).encode()
    response = requests.post(
        endpoint.url,
        data=body,
        headers={
            "Content-Type": "application/json",
            "User-Agent": "practice-cms-webhooks/1",
            "X-Webhook-Event": delivery.event,
            "X-Webhook-Id": str(delivery.payload.get("id", delivery.pk)),
            SIGNATURE_HEADER: sign(endpoint.secret, body),
        },
        timeout=TIMEOUT,
        allow_redirects=False,
    )
    status = response.status_code
    response.close()
    if 200 <= status < 300:
        return status
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status_code=status)
    if 400 <= status < 500 and status not in {408, 409, 425, 429}:
        raise PermanentFailure(f"HTTP {status}")
    raise ConnectionError(f"HTTP {status}")


def _record_failure(delivery: WebhookDelivery, exc: Exception, status: int | None) -> str:
    error = str(exc)[:200] if isinstance(exc, PermanentFailure | ConnectionError) else ""
    error = error or type(exc).__name__
    if isinstance(exc, PermanentFailure) or delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
        state, next_attempt = State.DEAD, timezone.now()
    else:
        state = State.FAILED
        next_attempt = timezone.now() + timedelta(seconds=backoff_seconds(delivery.attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk, state=State.SENDING).update(
        state=state, next_attempt_at=next_attempt, claimed_at=None, last_error=error
    )
    logger.warning(
        "Webhook delivery %s attempt %s failed (%s): %s.",
        delivery.pk,
        delivery.attempts,
        error,
        "gave up" if state == State.DEAD else f"retry at {next_attempt:%H:%M:%S}",
    )
    return str(state)


@shared_task(ignore_result=True)
def relay_webhooks() -> int:
    """Reclaim rows stuck in `sending`, then publish due rows; returns how many were published."""
    cutoff = timezone.now() - timedelta(seconds=settings.WEBHOOKS_STUCK_AFTER)
    WebhookDelivery.objects.filter(state=State.SENDING, claimed_at__lt=cutoff).update(
        state=State.FAILED, claimed_at=None, next_attempt_at=timezone.now(), last_error="WorkerLost"
    )
    now = timezone.now()
    lease_cutoff = now - timedelta(seconds=settings.WEBHOOKS_REPUBLISH_AFTER)
    due = (
        WebhookDelivery.objects.filter(state__in=RETRYABLE_STATES, next_attempt_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_cutoff))
        .order_by("next_attempt_at")
    )
    with transaction.atomic():
        ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:200])
        WebhookDelivery.objects.filter(pk__in=ids).update(claimed_at=now)
    published: list[int] = []
    try:
        publish_now(ids, published)
    except Exception as exc:
        WebhookDelivery.objects.filter(pk__in=ids[len(published) :]).update(claimed_at=None)
        logger.warning("Webhook relay: broker error %s.", type(exc).__name__)
    return len(published)
