"""After erasure nothing of the person is readable anywhere in PostgreSQL, statistics included.

A canary value goes into every text column of a lead, its notes and its access trail; the planner
statistics are gathered (so `pg_stats` holds the values, as autovacuum would make it); then
`leads_forget_person` or the retention purge runs, and every table, `pg_stats`, the audit log,
revisions and the outbox are searched for the canary.
"""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection, models
from django.utils import timezone
from wagtail.models import ModelLogEntry, Revision

from leads.models import ErasureRecord, Lead, LeadActivity, Notification
from tests.leads.test_privacy import rows_containing
from tests.staff import sign_in

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

CANARY = "zqcanary"
EMAIL = f"{CANARY}@example.org"


def canary_lead(index: int, days_ago: int = 0) -> Lead:
    """A lead whose every text column holds the canary (and its index, so values differ)."""
    values = {}
    for field in Lead._meta.concrete_fields:
        if isinstance(field, models.CharField) and not field.choices and field.name != "reference":
            values[field.name] = f"{CANARY}{index}{field.name}"[: field.max_length]
    values.update(
        email=EMAIL.replace("@", f"{index}@") if index else EMAIL,
        consented_at=timezone.now(),
        received_at=timezone.now() - timedelta(days=days_ago),
    )
    lead = Lead.objects.create(**values)
    # Everyone erased has the same address, as `leads_forget_person` finds them (any case).
    Lead.objects.filter(pk=lead.pk).update(email=EMAIL.upper() if index % 2 else EMAIL)
    LeadActivity.objects.create(lead=lead, kind="note", text=f"{CANARY} note {index}")
    Notification.objects.create(lead=lead)
    return lead


def other_lead(index: int) -> Lead:
    lead = Lead.objects.create(
        name=f"Kept Person {index}",
        email=f"kept{index}@example.org",
        message=f"kept message {index}",
        consent_version="2026-01",
        consented_at=timezone.now(),
    )
    LeadActivity.objects.create(lead=lead, kind="note", text=f"kept note {index}")
    Notification.objects.create(lead=lead)
    return lead


def canary_in_statistics() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT tablename, attname FROM pg_stats
            WHERE schemaname = current_schema()
              AND (coalesce(most_common_vals::text, '') ILIKE %(canary)s
                   OR coalesce(histogram_bounds::text, '') ILIKE %(canary)s)
            """,
            {"canary": f"%{CANARY}%"},
        )
        return cursor.fetchall()


def analyze_everything() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


@pytest.mark.parametrize(
    ("erase", "others_left"),
    [("forget", True), ("forget", False), ("purge", False)],
    ids=["forget-among-others", "forget-last-person", "retention-purge"],
)
def test_the_canary_is_nowhere_after_erasure(client, settings, erase, others_left):
    settings.LEADS_RETENTION_DAYS = 180
    leads = [canary_lead(index, days_ago=400 if erase == "purge" else 0) for index in range(6)]
    if others_left:
        for index in range(6):
            other_lead(index)
    manager = get_user_model().objects.create_user("manager", "m@example.org", "pw-pw-pw-pw")
    manager.groups.add(Group.objects.get(name="Lead managers"))
    sign_in(client, manager)
    assert client.get(f"/admin/leads/lead/edit/{leads[0].pk}/").status_code == 200
    client.post(f"/admin/leads/lead/edit/{leads[0].pk}/", {"status": "contacted", "note": CANARY})
    assert client.get("/admin/leads/lead/?export=csv").status_code == 200
    analyze_everything()
    # The fault this guards against: the values are readable in the planner statistics.
    assert {table for table, _ in canary_in_statistics()} >= {"leads_lead", "leads_leadactivity"}
    assert rows_containing(CANARY)

    out = StringIO()
    if erase == "forget":
        call_command("leads_forget_person", EMAIL, stdout=out)
    else:
        call_command("leads_purge", stdout=out)
    assert "Deleted 6" in out.getvalue()

    assert canary_in_statistics() == []
    assert rows_containing(CANARY) == {}
    lead_ids = [str(lead.pk) for lead in leads]
    assert not ModelLogEntry.objects.filter(object_id__in=lead_ids, content_type__model="lead")
    assert not ModelLogEntry.objects.filter(label__icontains=CANARY)
    assert not Revision.objects.filter(object_id__in=lead_ids, content_type__model="lead")
    assert not Notification.objects.filter(lead_id__in=[lead.pk for lead in leads])
    record = ErasureRecord.objects.get()
    assert record.leads_deleted == 6
    assert record.trail_entries_deleted >= 8  # viewed, status, note, 6 exported: counted, gone
    assert Lead.objects.count() == (6 if others_left else 0)
