"""Nothing a person types reaches a log line; access, erasure and retention work end to end."""

import json
import logging
from datetime import timedelta
from io import StringIO
from unittest import mock
from urllib.error import URLError

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from leads.models import ErasureRecord, Lead, LeadActivity
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

CANARY = {
    "name": "Quillon Canaryname",
    "email": "quillon.canary@example.org",
    "phone": "(408) 555-0199",
    "preferred_times": "Canarytime mornings",
    "message": "Canarymessage about my situation",
    "utm_campaign": "canarycampaign",
}
CANARY_VALUES = [
    "Canaryname",
    "quillon.canary",
    "555-0199",
    "5550199",
    "Canarytime",
    "Canarymessage",
]


@pytest.fixture
def debug_logging(caplog):
    """Every logger at DEBUG, every record captured."""
    caplog.set_level(logging.DEBUG)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def captured_text(caplog) -> str:
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    return "\n".join(formatter.format(record) for record in caplog.records)


def test_canary_never_reaches_a_log_line(debug_logging, post_form, post_api, settings):
    settings.RECAPTCHA_PUBLIC_KEY = settings.RECAPTCHA_PRIVATE_KEY = "test-key"
    settings.RECAPTCHA_ENABLED = True
    settings.LEADS_RATE_LIMIT = 2  # per client address: the form and the API use two
    with mock.patch("django_recaptcha.client.submit", side_effect=URLError("no route")):
        assert post_form(**CANARY, recaptcha_token="t").status_code == 302
        assert post_api(**CANARY, recaptcha_token="t").status_code == 201  # duplicate
    assert post_api(**CANARY, website="spam").status_code == 201  # spam
    assert post_api(**{**CANARY, "email": "bad quillon.canary"}).status_code == 400
    assert post_api(**CANARY).status_code == 429  # rate limited
    assert post_form(**{**CANARY, "name": "Canaryname\r\nX"}).status_code == 400

    assert Lead.objects.filter(name=CANARY["name"]).count() == 3
    text = captured_text(debug_logging)
    assert len(debug_logging.records) > 0  # logging really was captured
    for value in CANARY_VALUES:
        assert value.lower() not in text.lower(), value


def test_canary_not_logged_when_database_fails(debug_logging, post_api, monkeypatch):
    from django.db import DataError

    def fail(*args, **kwargs):
        raise DataError(f"value too long: {CANARY['name']}")

    monkeypatch.setattr(Lead.objects, "create", fail)
    assert post_api(**CANARY).status_code == 503
    text = captured_text(debug_logging)
    assert "DataError" in text
    assert "canary" not in text.lower()


def store_canary_lead(post_form, post_api, client) -> Lead:
    post_form(**CANARY)
    post_api(**{**CANARY, "email": CANARY["email"].upper()})
    lead = Lead.objects.filter(email__iexact=CANARY["email"]).first()
    LeadActivity.objects.create(lead=lead, kind="note", text="Called Quillon Canaryname back")
    return lead


def test_export_person_prints_everything_held(post_form, post_api, client):
    store_canary_lead(post_form, post_api, client)
    out = StringIO()
    call_command("leads_export_person", CANARY["email"], stdout=out)
    data = json.loads(out.getvalue())

    assert len(data["requests"]) == 2
    first = data["requests"][0]
    assert first["name"] == CANARY["name"] and first["message"] == CANARY["message"]
    assert first["phone"] == "+14085550199"
    assert any(entry["note"] for request in data["requests"] for entry in request["history"])
    assert all(request["consent_version"] for request in data["requests"])
    assert all(len(request["ip_hash"]) == 64 for request in data["requests"])  # hash, no address


def rows_containing(text: str) -> dict[str, int]:
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(
                f'SELECT count(*) FROM "{table}" AS t WHERE t::text ILIKE %s',  # noqa: S608
                [f"%{text}%"],
            )
            if count := cursor.fetchone()[0]:
                found[table] = count
    return found


@pytest.mark.postgres
def test_forget_person_leaves_no_row_containing_the_canary(post_form, post_api, client):
    lead = store_canary_lead(post_form, post_api, client)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    manager = get_user_model().objects.create_user("manager", "m@example.org", "pw")
    manager.groups.add(Group.objects.get(name="Lead managers"))
    sign_in(client, manager)
    client.post(f"/admin/leads/lead/edit/{lead.pk}/", {"status": "contacted", "note": "Canaryname"})
    assert rows_containing("Canaryname")

    out = StringIO()
    call_command("leads_forget_person", CANARY["email"], stdout=out)

    assert "Deleted 2" in out.getvalue()
    for value in CANARY_VALUES:
        assert rows_containing(value) == {}, value
    record = ErasureRecord.objects.get()
    assert (record.reason, record.leads_deleted) == ("request", 2)


def test_purge_applies_retention_with_spam_and_closed_sooner(settings):
    settings.LEADS_RETENTION_DAYS = 180
    settings.LEADS_SPAM_RETENTION_DAYS = 30
    settings.LEADS_CLOSED_RETENTION_DAYS = 90
    now = timezone.now()

    def lead(days_ago: int, **fields) -> Lead:
        return Lead.objects.create(
            name="Retention Test",
            email=f"r{Lead.objects.count()}@example.org",
            consent_version="2026-01",
            consented_at=now,
            received_at=now - timedelta(days=days_ago),
            **fields,
        )

    kept = [lead(10), lead(170), lead(20, is_spam=True, status="spam"), lead(60, status="closed")]
    lead(200)
    lead(40, is_spam=True, status="spam")
    lead(100, status="closed")

    out = StringIO()
    call_command("leads_purge", stdout=out)

    assert "Deleted 3" in out.getvalue()
    assert set(Lead.objects.values_list("pk", flat=True)) == {item.pk for item in kept}
    assert ErasureRecord.objects.get().reason == "retention"
