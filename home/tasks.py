"""Background jobs of the practice's site: the mail check and scheduled publishing."""

import io
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.core.management import call_command
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def send_pipeline_check_email() -> None:
    """Prove broker, worker and SMTP work together: a fixed message to the practice's inbox."""
    send_mail(
        subject="Website mail check",
        message=(
            "This message was sent by the website's background worker to confirm that "
            f"notifications can reach this address.\nSent at {timezone.now():%Y-%m-%d %H:%M %Z}."
        ),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=settings.LEADS_NOTIFY_TO,
    )


@shared_task(ignore_result=True)
def publish_scheduled_pages() -> None:
    """Publish and unpublish what editors scheduled: Wagtail's `publish_scheduled`, run by beat."""
    output = io.StringIO()
    call_command("publish_scheduled", stdout=output)
    logger.info("publish_scheduled: %s", " ".join(output.getvalue().split()) or "nothing due")
