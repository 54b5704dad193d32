"""The outbox: notification rows written in the lead's transaction, published after commit.

`queue_notifications(lead)` is the only way intake asks for a notification. The rows are the
source of truth; publishing the task after the commit is only a shortcut to deliver quickly. When
the broker is down or frozen the request carries on after at most PUBLISH_DEADLINE seconds, and the
relay (`leads.tasks.relay_notifications`, run by beat) publishes the row later.

The task is published by its name (NOTIFY_TASK), so this module never imports `leads.tasks`:
the tasks build on the outbox, not the reverse.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac

from leads.models import Lead, Notification
from leads.notifications import acknowledgement_enabled

logger = logging.getLogger(__name__)

# The longest a request waits on the broker after its commit, in seconds.
PUBLISH_DEADLINE = 1.0
# Socket limits of the dedicated publish connection (connect, then each command).
PUBLISH_CONNECT_TIMEOUT = 0.5
PUBLISH_SOCKET_TIMEOUT = 0.5
# The task that sends one outbox row (`leads.tasks.notify`), published by name.
NOTIFY_TASK = "leads.tasks.notify"


def queue_notifications(lead: Lead) -> list[Notification]:
    """Write the lead's outbox rows and publish them once the intake transaction commits.

    Call it inside the transaction that saves the lead: a rollback then leaves no row and sends
    nothing. The practice notification is always queued; the acknowledgement to the visitor only
    when staff switched it on.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("queue_notifications() must run inside the intake transaction.")
    kinds = [Notification.Kind.PRACTICE]
    if lead.email and acknowledgement_enabled(lead) and claim_acknowledgement(lead.email):
        kinds.append(Notification.Kind.ACKNOWLEDGEMENT)
    rows = [Notification.objects.create(lead=lead, kind=kind) for kind in kinds]
    transaction.on_commit(partial(publish, [row.pk for row in rows]))
    return rows


def claim_acknowledgement(email: str) -> bool:
    """Whether this address may get an acknowledgement now: at most one per LEADS_ACK_EVERY.

    Keyed in the cache by an HMAC of the address (never the address). With the cache down the
    database answers (an acknowledgement queued for the address within the period).
    """
    address = email.strip().lower()
    key = "leads:ack:" + salted_hmac("leads.ack-address", address, algorithm="sha256").hexdigest()
    try:
        # add + incr: `incr` raises when the cache is down (where `add` would just say False).
        cache.add(key, 0, timeout=settings.LEADS_ACK_EVERY)
        return cache.incr(key) == 1
    except ValueError:
        return True  # expired between add and incr: the period is over
    except Exception as exc:
        logger.warning("Acknowledgement limit read from the database (%s).", exc.__class__.__name__)
    since = timezone.now() - timedelta(seconds=settings.LEADS_ACK_EVERY)
    return not Notification.objects.filter(
        kind=Notification.Kind.ACKNOWLEDGEMENT, lead__email__iexact=address, created_at__gte=since
    ).exists()


def publish(notification_ids: Iterable[int], deadline: float = PUBLISH_DEADLINE) -> bool:
    """Best effort: publish NOTIFY_TASK(id) for each id, waiting at most `deadline` seconds.

    Never raises. Returns True when every message reached the broker in time; otherwise the rows
    stay pending and the relay publishes them later.
    """
    ids = list(notification_ids)
    if not ids:
        return True
    outcome: dict[str, bool] = {}
    thread = threading.Thread(
        target=_publish_in_thread, args=(ids, outcome), name="notify-publish", daemon=True
    )
    thread.start()
    thread.join(deadline)
    if thread.is_alive():
        logger.warning(
            "Broker did not answer within %.1f s; %d notification(s) left to the relay.",
            deadline,
            len(ids),
        )
        return False
    return outcome.get("ok", False)


def _publish_in_thread(ids: list[int], outcome: dict[str, bool]) -> None:
    try:
        publish_now(ids)
    except Exception as exc:
        # The class only: a broker error message can carry a URL with credentials.
        logger.warning(
            "Publishing %d notification(s) failed (%s); the relay will send them.",
            len(ids),
            exc.__class__.__name__,
        )
        outcome["ok"] = False
    else:
        outcome["ok"] = True


def publish_now(ids: list[int], published: list[int] | None = None) -> None:
    """Publish on one fresh connection with short socket timeouts and no retries (may raise).

    Each id that reached the broker is appended to `published`, so a caller knows which ones
    are left when it raises halfway.
    """
    from celery import current_app

    options = {
        "socket_connect_timeout": PUBLISH_CONNECT_TIMEOUT,
        "socket_timeout": PUBLISH_SOCKET_TIMEOUT,
        "max_retries": 0,
    }
    with current_app.connection_for_write(
        connect_timeout=PUBLISH_CONNECT_TIMEOUT, transport_options=options
    ) as connection:
        for notification_id in ids:
            current_app.send_task(
                NOTIFY_TASK,
                args=(notification_id,),
                connection=connection,
                retry=False,
                **_notify_task_options(current_app.conf),
            )
            if published is not None:
                published.append(notification_id)


def _notify_task_options(conf) -> dict[str, Any]:
    """The options `notify.apply_async()` adds from the task (this process may not have it loaded).

    `notify` sets only `ignore_result`; the rest are the app's task defaults. The test
    `test_publish_sends_the_message_notify_apply_async_would` keeps this in step with the task.
    """
    return {
        "ignore_result": True,
        "serializer": conf.task_serializer,
        "time_limit": conf.task_time_limit,
        "soft_time_limit": conf.task_soft_time_limit,
    }


def annotate_notification_problems(leads: QuerySet[Lead]) -> QuerySet[Lead]:
    """Add `notification_dead` and `notification_failing` to each lead (for the admin badge)."""
    rows = Notification.objects.filter(lead=OuterRef("pk"))
    return leads.annotate(
        notification_dead=Exists(rows.filter(state=Notification.State.DEAD)),
        notification_failing=Exists(rows.filter(state=Notification.State.FAILED)),
    )


def resend(lead: Lead) -> int:
    """Staff re-send: the lead's dead or failing notifications start again, published at once."""
    with transaction.atomic():
        ids = list(
            lead.notifications.select_for_update()
            .filter(state__in=[Notification.State.DEAD, Notification.State.FAILED])
            .values_list("pk", flat=True)
        )
        Notification.objects.filter(pk__in=ids).update(
            state=Notification.State.PENDING,
            attempts=0,
            next_attempt_at=timezone.now(),
            claimed_at=None,
            last_error="",
        )
        transaction.on_commit(partial(publish, ids))
    return len(ids)
