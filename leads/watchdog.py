"""The alert when notifications are stuck, by a path that needs neither the worker nor the broker.

When the outbox lags (leads/monitoring.py), the practice gets one email, sent from this process
straight over SMTP with Django's mail settings, to LEADS_NOTIFY_TO: counts, ages and an admin link,
never anything a visitor typed. At most one per LEADS_ALERT_EVERY seconds: the time it went is kept
in PostgreSQL (`DeliveryAlert`), and the sender holds that row's lock while it sends, so
concurrent processes send one. A failed send records nothing; the next check tries again.

Run from three places: a thread in the beat process (`start_in_beat`, on Celery's `beat_init`,
every LEADS_WATCHDOG_INTERVAL seconds), /health/ when it finds the outbox lagging
(`check_in_background`), and `manage.py leads_watchdog` for cron.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from enum import StrEnum

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, connection, connections, transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.timesince import timesince

from leads.models import DeliveryAlert
from leads.monitoring import DeliveryStatus, delivery_status

logger = logging.getLogger(__name__)

ALERT_SUBJECT = "Consultation request emails are delayed"


class Outcome(StrEnum):
    OK = "outbox ok: no alert needed"
    SENT = "alert sent"
    RATE_LIMITED = "alert already sent recently"
    BUSY = "another process is sending the alert"
    NO_RECIPIENTS = "alert not sent: LEADS_NOTIFY_TO is empty"
    FAILED = "alert not sent: the mail server failed"


def check() -> Outcome:
    """Send the alert if the outbox lags and none went out in the last LEADS_ALERT_EVERY."""
    status = delivery_status()
    if not status.outbox.lagging:
        return Outcome.OK
    return send_alert(status)


def send_alert(status: DeliveryStatus) -> Outcome:
    if not settings.LEADS_NOTIFY_TO:
        logger.error("Notifications are stuck, and LEADS_NOTIFY_TO is empty: nobody to alert.")
        return Outcome.NO_RECIPIENTS
    every = timedelta(seconds=settings.LEADS_ALERT_EVERY)
    alert, _ = DeliveryAlert.objects.get_or_create(key=DeliveryAlert.OUTBOX_LAG)
    if alert.sent_at is not None and timezone.now() - alert.sent_at < every:
        return Outcome.RATE_LIMITED  # read without the lock: another check may be holding it
    try:
        with transaction.atomic():
            rows = DeliveryAlert.objects.filter(key=DeliveryAlert.OUTBOX_LAG)
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True)
            alert = rows.first()
            if alert is None:
                return Outcome.BUSY
            now = timezone.now()
            if alert.sent_at is not None and now - alert.sent_at < every:
                return Outcome.RATE_LIMITED
            alert_message(status).send(fail_silently=False)
            alert.sent_at = now
            alert.save(update_fields=["sent_at"])
    except Exception as exc:
        # The class only: an SMTP answer can quote addresses.
        logger.warning("Delivery alert not sent (%s).", exc.__class__.__name__)
        return Outcome.FAILED
    logger.warning(
        "Delivery alert sent: %d notification(s) waiting, the oldest for %.0f s.",
        status.outbox.waiting,
        status.outbox.lag_seconds,
    )
    return Outcome.SENT


def admin_url() -> str:
    try:
        path = reverse("leads_lead:index")
    except NoReverseMatch:
        path = reverse("wagtailadmin_home")
    return settings.SITE_URL + path


def alert_message(status: DeliveryStatus) -> EmailMessage:
    """Counts, ages and a link: nothing about any person."""
    outbox, worker = status.outbox, status.worker
    now = outbox.checked_at
    context = {
        "waiting": outbox.waiting,
        "oldest": timezone.localtime(outbox.oldest),
        "waited": timesince(outbox.oldest, now),
        "max_lag": timesince(now - timedelta(seconds=settings.LEADS_OUTBOX_MAX_LAG), now),
        "worker_silent": worker.silent,
        "worker_last_seen": worker.last_seen and timezone.localtime(worker.last_seen),
        "admin_url": admin_url(),
        "every": timesince(now - timedelta(seconds=settings.LEADS_ALERT_EVERY), now),
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    return EmailMessage(
        subject=ALERT_SUBJECT,
        body=render_to_string("emails/leads/delivery_alert.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=list(settings.LEADS_NOTIFY_TO),
    )


def _check_quietly() -> Outcome | None:
    close_old_connections()
    try:
        return check()
    except Exception as exc:
        logger.warning("Delivery watchdog check failed (%s).", exc.__class__.__name__)
        return None
    finally:
        connections.close_all()


# From /health/ ----------------------------------------------------------------------------------

_background: threading.Thread | None = None
_background_lock = threading.Lock()


def check_in_background() -> threading.Thread:
    """Run `check()` in a thread of this process (one at a time), so /health/ does not wait."""
    global _background
    with _background_lock:
        if _background is None or not _background.is_alive():
            _background = threading.Thread(
                target=_check_quietly, name="leads-watchdog-check", daemon=True
            )
            _background.start()
        return _background


# In the beat process ----------------------------------------------------------------------------


class WatchdogThread(threading.Thread):
    """Checks at once, then every `interval` seconds, until stopped."""

    def __init__(self, interval: float) -> None:
        super().__init__(name="leads-watchdog", daemon=True)
        self.interval = interval
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            _check_quietly()
            self.stopped.wait(self.interval)

    def stop(self) -> None:
        self.stopped.set()


_beat_thread: WatchdogThread | None = None


def start_in_beat(**kwargs) -> WatchdogThread:
    """`beat_init` receiver: start the watchdog thread in this beat process (once)."""
    global _beat_thread
    if _beat_thread is None or not _beat_thread.is_alive():
        _beat_thread = WatchdogThread(settings.LEADS_WATCHDOG_INTERVAL)
        _beat_thread.start()
    return _beat_thread
