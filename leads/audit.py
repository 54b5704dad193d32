"""The access trail of each lead: who viewed, changed, exported or re-sent it, and when.

Entries are Wagtail audit-log rows (ModelLogEntry, custom actions registered in
wagtail_hooks.py), so they show on the lead's page, in its History and in Reports > Site history
for people who may see leads (Wagtail shows log rows only to holders of a permission on the
model). An entry's label is the lead's reference, never a name; its data holds counts and
formats only. They live as long as the lead: erasure deletes them and keeps their count.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils import timezone
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from .models import Lead

VIEW = "leads.view"
STATUS = "leads.status"
NOTE = "leads.note"
EXPORT = "leads.export"
RESEND = "leads.resend"
EXPORT_PERSON = "leads.export_person"
NOT_SPAM = "leads.not_spam"

#: (action, label in the filter, past-tense message) for register_log_actions.
ACTIONS: list[tuple[str, str, str]] = [
    (VIEW, "View request", "Viewed the request"),
    (STATUS, "Change request status", "Changed the status"),
    (NOTE, "Add a note to a request", "Added a note"),
    (EXPORT, "Export requests", "Exported the request"),
    (RESEND, "Re-send a request's notification", "Re-sent the notification"),
    (EXPORT_PERSON, "Access request export", "Included in an access-request export"),
    (NOT_SPAM, "Mark request not spam", "Marked as not spam"),
]


def record(lead: Lead, action: str, user=None, **data) -> ModelLogEntry:
    """One entry about one lead (`data`: statuses, formats and counts only, never lead fields)."""
    return log(lead, action, user=user, data=data)


def record_export(leads: QuerySet[Lead] | Iterable[Lead], user, export_format: str) -> int:
    """One entry per exported lead, sharing a uuid, each saying the format and the batch size."""
    rows = [(lead.pk, str(lead)) for lead in leads]
    if not rows:
        return 0
    content_type = ContentType.objects.get_for_model(Lead)
    batch, now = uuid.uuid4(), timezone.now()
    data = {"format": export_format, "count": len(rows)}
    ModelLogEntry.objects.bulk_create(
        ModelLogEntry(
            content_type=content_type,
            object_id=str(pk),
            label=label,
            action=EXPORT,
            data=data,
            timestamp=now,
            uuid=batch,
            user=user,
        )
        for pk, label in rows
    )
    return len(rows)


def trail(lead: Lead) -> QuerySet[ModelLogEntry]:
    """Every entry about the lead, newest first, with who did it."""
    return ModelLogEntry.objects.for_instance(lead).select_related("user").order_by("-timestamp")
