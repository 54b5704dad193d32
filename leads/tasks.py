"""Background work for leads: sending outbox rows, and the relay that makes sending reliable.

`notify(id)` claims its row with a conditional update (pending/failed -> sending), so a duplicate
message, a second worker or a late redelivery finds nothing to do. `relay_notifications` (beat)
re-publishes due rows and reclaims rows left in `sending` by a worker that died. The tasks build
on the outbox (`leads.outbox`), which publishes `notify` by its name and never imports this module.
"""

from __future__ import annotations

import logging
import random
import smtplib
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from leads import outbox, privacy
from leads.models import Notification
from leads.notifications import NoRecipients, build_message

logger = logging.getLogger(__name__)

State = Notification.State
RETRYABLE_STATES = (State.PENDING, State.FAILED)


def is_permanent(exc: BaseException) -> bool:
    """5xx SMTP answers, bad headers and missing recipients are permanent; the rest is transient."""
    if isinstance(exc, NoRecipients | ValueError | smtplib.SMTPNotSupportedError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return exc.smtp_code >= 500
    return False


def backoff_seconds(attempts: int) -> float:
    """Exponential backoff with jitter: base * 2^(n-1), capped, then between half and all of it."""
    base = settings.LEADS_NOTIFY_BACKOFF_BASE
    delay = min(settings.LEADS_NOTIFY_BACKOFF_MAX, base * 2 ** max(attempts - 1, 0))
    return delay / 2 + random.uniform(0, delay / 2)  # noqa: S311 (jitter, not security)


@shared_task(ignore_result=True, acks_late=True)
def notify(notification_id: int) -> str:
    """Send one outbox row, at most once per claim; returns what happened (for logs and tests)."""
    now = timezone.now()
    claimed = Notification.objects.filter(
        pk=notification_id, state__in=RETRYABLE_STATES, next_attempt_at__lte=now
    ).update(state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return "skipped"
    notification = (
        Notification.objects.select_related("lead", "lead__source_page")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None:
        return "gone"  # the lead was erased in the meantime
    try:
        build_message(notification).send(fail_silently=False)
    except Exception as exc:
        return _record_failure(notification, exc)
    Notification.objects.filter(pk=notification_id).exclude(state=State.SENT).update(
        state=State.SENT, sent_at=timezone.now(), claimed_at=None, last_error=""
    )
    logger.info("Notification %s sent (attempt %s).", notification_id, notification.attempts)
    return "sent"


def _record_failure(notification: Notification, exc: Exception) -> str:
    error = exc.__class__.__name__[:100]
    permanent = is_permanent(exc)
    if permanent or notification.attempts >= settings.LEADS_NOTIFY_MAX_ATTEMPTS:
        state, next_attempt = State.DEAD, timezone.now()
    else:
        state = State.FAILED
        next_attempt = timezone.now() + timedelta(seconds=backoff_seconds(notification.attempts))
    Notification.objects.filter(pk=notification.pk, state=State.SENDING).update(
        state=state, next_attempt_at=next_attempt, claimed_at=None, last_error=error
    )
    # The error class only: SMTP answers and exception messages can quote addresses.
    logger.warning(
        "Notification %s attempt %s failed (%s): %s.",
        notification.pk,
        notification.attempts,
        error,
        "dead" if state == State.DEAD else f"retry at {next_attempt:%H:%M:%S}",
    )
    return str(state)


@shared_task(ignore_result=True)
def relay_notifications() -> int:
    """Reclaim rows stuck in `sending`, then publish due rows; returns how many were published."""
    reclaim_stuck()
    ids = claim_due()
    published: list[int] = []
    try:
        outbox.publish_now(ids, published)
    except Exception as exc:
        # Broker unavailable: release the rest so the next run publishes them at once.
        Notification.objects.filter(pk__in=ids[len(published) :]).update(claimed_at=None)
        logger.warning(
            "Relay published %d of %d due notification(s); broker error %s.",
            len(published),
            len(ids),
            exc.__class__.__name__,
        )
    return len(published)


def reclaim_stuck() -> int:
    """Rows a dead worker left in `sending` go back to `failed` (or `dead` past the bound)."""
    cutoff = timezone.now() - timedelta(seconds=settings.LEADS_NOTIFY_STUCK_AFTER)
    stuck = Notification.objects.filter(state=State.SENDING, claimed_at__lt=cutoff)
    dead = stuck.filter(attempts__gte=settings.LEADS_NOTIFY_MAX_ATTEMPTS).update(
        state=State.DEAD, claimed_at=None, last_error="WorkerLost"
    )
    retried = stuck.update(
        state=State.FAILED, claimed_at=None, next_attempt_at=timezone.now(), last_error="WorkerLost"
    )
    if dead or retried:
        logger.warning("Reclaimed %d stuck notification(s), %d now dead.", retried, dead)
    return dead + retried


def claim_due() -> list[int]:
    """Claim due rows for publishing, so concurrent relays never publish the same row twice.

    `claimed_at` on a pending or failed row is when a relay last published it: it is not claimed
    again for LEADS_NOTIFY_REPUBLISH_AFTER seconds, which gives the worker time to take it.
    """
    now = timezone.now()
    lease_cutoff = now - timedelta(seconds=settings.LEADS_NOTIFY_REPUBLISH_AFTER)
    due = (
        Notification.objects.filter(state__in=RETRYABLE_STATES, next_attempt_at__lte=now)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=lease_cutoff))
        .order_by("next_attempt_at")
    )
    batch = settings.LEADS_NOTIFY_RELAY_BATCH
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:batch])
            Notification.objects.filter(pk__in=ids).update(claimed_at=now)
        return ids
    # SQLite: no row locks; a conditional update per row is the claim.
    claimed = []
    for pk in due.values_list("pk", flat=True)[:batch]:
        if due.filter(pk=pk).update(claimed_at=now):
            claimed.append(pk)
    return claimed


@shared_task(ignore_result=True)
def purge_expired_leads() -> int:
    """Daily retention: delete leads past their retention period (see leads.privacy)."""
    return privacy.purge_expired_leads()
