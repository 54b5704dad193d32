"""Privacy operations on stored requests: retention (purge), access (export) and erasure (forget).

Called by the management commands `leads_purge`, `leads_export_person` and `leads_forget_person`,
and by the daily `tasks.purge_expired_leads`. Every deletion leaves only an anonymous
ErasureRecord (reason, count, time).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from .models import ErasureRecord, Lead

logger = logging.getLogger(__name__)


def _delete_leads(leads: QuerySet[Lead], reason: str) -> int:
    """Delete leads with everything attached, including Wagtail's log entries about them."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import ModelLogEntry, ReferenceIndex

    ids = list(leads.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(Lead)
        object_ids = [str(pk) for pk in ids]
        ModelLogEntry.objects.filter(content_type=content_type, object_id__in=object_ids).delete()
        ReferenceIndex.objects.filter(
            base_content_type=content_type, object_id__in=object_ids
        ).delete()
        Lead.objects.filter(pk__in=ids).delete()
        ErasureRecord.objects.create(reason=reason, leads_deleted=len(ids))
    return len(ids)


def expired_leads() -> QuerySet[Lead]:
    """Leads past their retention: all after LEADS_RETENTION_DAYS, spam and closed sooner."""
    now = timezone.now()
    return (
        Lead.objects.filter(received_at__lt=now - timedelta(days=settings.LEADS_RETENTION_DAYS))
        | Lead.objects.filter(
            is_spam=True, received_at__lt=now - timedelta(days=settings.LEADS_SPAM_RETENTION_DAYS)
        )
        | Lead.objects.filter(
            status__in=[Lead.Status.CLOSED, Lead.Status.NOT_A_FIT],
            received_at__lt=now - timedelta(days=settings.LEADS_CLOSED_RETENTION_DAYS),
        )
    )


def purge_expired_leads() -> int:
    """Delete every lead past its retention (the daily task and `manage.py leads_purge`)."""
    deleted = _delete_leads(expired_leads(), ErasureRecord.Reason.RETENTION)
    logger.info("Retention purge deleted %s consultation requests.", deleted)
    return deleted


def leads_for_person(email: str) -> QuerySet[Lead]:
    """Every request sent with this email address (any case)."""
    return Lead.objects.filter(email__iexact=email.strip())


def export_person(email: str) -> dict[str, Any]:
    """Everything held about the person with this email, for an access request."""
    leads = leads_for_person(email).prefetch_related("activities", "notifications")
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "requests": [
            {
                "reference": lead.reference,
                "name": lead.name,
                "email": lead.email,
                "phone": lead.phone,
                "preferred_contact": lead.preferred_contact,
                "preferred_times": lead.preferred_times,
                "message": lead.message,
                "consent_version": lead.consent_version,
                "consented_at": lead.consented_at.isoformat(),
                "source_page": lead.source_page.url_path if lead.source_page else None,
                "source_block_id": lead.source_block_id,
                "utm_source": lead.utm_source,
                "utm_medium": lead.utm_medium,
                "utm_campaign": lead.utm_campaign,
                "referrer_host": lead.referrer_host,
                "received_at": lead.received_at.isoformat(),
                "status": lead.status,
                "is_spam": lead.is_spam,
                "spam_reason": lead.spam_reason,
                "is_duplicate": lead.is_duplicate,
                "captcha_unverified": lead.captcha_unverified,
                "ip_hash": lead.ip_hash,
                "history": [
                    {
                        "kind": activity.kind,
                        "at": activity.created_at.isoformat(),
                        "from_status": activity.from_status,
                        "to_status": activity.to_status,
                        "note": activity.text,
                    }
                    for activity in lead.activities.all()
                ],
                "notifications": [
                    {
                        "kind": notification.kind,
                        "state": notification.state,
                        "sent_at": notification.sent_at.isoformat()
                        if notification.sent_at
                        else None,
                    }
                    for notification in lead.notifications.all()
                ],
            }
            for lead in leads
        ],
    }


def forget_person(email: str) -> int:
    """Delete everything held about the person; only an anonymous ErasureRecord remains."""
    return _delete_leads(leads_for_person(email), ErasureRecord.Reason.REQUEST)
