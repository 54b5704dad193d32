"""Privacy operations on stored requests: retention (purge), access (export) and erasure (forget).

Called by the management commands `leads_purge`, `leads_export_person` and `leads_forget_person`,
and by the daily `tasks.purge_expired_leads`. Every deletion leaves only an anonymous
ErasureRecord (reason, count, time).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.models import Page

from . import audit
from .fields import STORED_FIELDS
from .models import ErasureRecord, Lead, LeadActivity, Notification

logger = logging.getLogger(__name__)


def _delete_leads(leads: QuerySet[Lead], reason: str) -> int:
    """Delete leads with everything attached, including their access trail (Wagtail's log
    entries), keeping only an anonymous ErasureRecord with the counts; then refresh the planner
    statistics so no deleted value stays readable in `pg_stats`."""
    from django.contrib.contenttypes.models import ContentType
    from wagtail.log_actions import log
    from wagtail.models import ModelLogEntry, ReferenceIndex

    ids = list(leads.values_list("pk", flat=True))
    if not ids:
        return 0
    with transaction.atomic():
        content_type = ContentType.objects.get_for_model(Lead)
        object_ids = [str(pk) for pk in ids]
        trail_deleted, _ = ModelLogEntry.objects.filter(
            content_type=content_type, object_id__in=object_ids
        ).delete()
        ReferenceIndex.objects.filter(
            base_content_type=content_type, object_id__in=object_ids
        ).delete()
        Lead.objects.filter(pk__in=ids).delete()
        erasure = ErasureRecord.objects.create(
            reason=reason, leads_deleted=len(ids), trail_entries_deleted=trail_deleted
        )
        log(erasure, "leads.erase", data={"reason": reason, "count": len(ids)})
    forget_statistics()
    return len(ids)


def forget_statistics() -> None:
    """Make PostgreSQL's planner statistics (`pg_stats`) forget deleted values.

    ANALYZE rebuilds each table's sample from the rows left. A table left empty would keep its
    old statistics (PostgreSQL writes them only when it sampled a row), so, in one transaction
    nobody else sees into, a placeholder request with a note and an outbox row is added, the
    tables analysed and the placeholder deleted: the statistics then describe the placeholder.
    Needs only the table owner's rights (no superuser).
    """
    if connection.vendor != "postgresql":
        return
    with transaction.atomic():
        placeholder = None
        tables = (Lead, LeadActivity, Notification)
        if not all(model._default_manager.exists() for model in tables):
            now = timezone.now()
            placeholder = Lead.objects.create(
                name="-",
                email="placeholder@invalid",
                consent_version="-",
                consented_at=now,
                received_at=now,
                status=Lead.Status.CLOSED,
            )
            LeadActivity.objects.create(lead=placeholder, kind=LeadActivity.Kind.NOTE)
            Notification.objects.create(lead=placeholder, state=Notification.State.DEAD)
        with connection.cursor() as cursor:
            for model in tables:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        if placeholder is not None:
            placeholder.delete()


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


def _as_json(value: Any) -> Any:
    """A stored value as the export shows it: times in ISO 8601, a page as its path."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Page):
        return value.url_path
    return value


def export_person(email: str) -> dict[str, Any]:
    """Everything held about the person with this email, for an access request."""
    leads = list(leads_for_person(email).prefetch_related("activities", "notifications"))
    for lead in leads:
        audit.record(lead, audit.EXPORT_PERSON, count=len(leads))
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "requests": [
            {
                **{field.column: _as_json(getattr(lead, field.column)) for field in STORED_FIELDS},
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
