"""The leads app's shape: one field declaration behind every field list, and the outbox
publishing by task name (its imports are checked by the import contracts in pyproject.toml)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from leads import outbox, tasks
from leads.api import FIELDS, lead_intake_operation
from leads.fields import LEAD_FIELDS, STORED_FIELDS
from leads.forms import FORM_OPTIONS, LeadForm
from leads.models import Lead
from leads.privacy import export_person
from leads.services import _TO_COLUMN
from tests.staff import sign_in

LEADS_DIR = Path(__file__).resolve().parents[2] / "leads"


# One declaration --------------------------------------------------------------------------------


def test_intake_operation_equals_the_one_published_before_the_move():
    """Snapshot of the operation home/api.py published before it moved to leads/api.py, with the
    one change made on purpose since (consent typed `const: true`, 2026-12-01)."""
    snapshot = json.loads(
        (Path(__file__).parent / "snapshots/lead_intake_operation.json").read_text()
    )
    schemas: dict = {}
    operation = lead_intake_operation(schemas)

    # Key order too: the document is served as JSON.
    assert json.dumps([operation, schemas]) == json.dumps(
        [snapshot["operation"], snapshot["schemas"]]
    )


def test_every_lead_column_is_declared_once():
    columns = [field.column for field in LEAD_FIELDS if field.column]
    model_columns = [field.name for field in Lead._meta.concrete_fields if field.name != "id"]
    assert sorted(columns) == sorted(model_columns)
    assert len({field.name for field in LEAD_FIELDS}) == len(LEAD_FIELDS)


def test_form_options_and_intake_conversions_name_declared_fields():
    intake = {field.name for field in LEAD_FIELDS if field.is_intake}
    assert set(FORM_OPTIONS) <= intake
    assert set(_TO_COLUMN) <= intake
    assert list(LeadForm.base_fields) == [field.name for field in LEAD_FIELDS if field.is_intake]


def test_api_accepts_the_declared_fields_with_their_types():
    assert list(FIELDS.items()) == [
        *[
            (name, "a string")
            for name in [
                "name",
                "email",
                "phone",
                "preferred_contact",
                "preferred_times",
                "message",
                "block_id",
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "referrer",
                "website",
                "recaptcha_token",
            ]
        ],
        ("consent", "true or false"),
        ("source_page", "a page id (a whole number) or null"),
    ]


ADMIN_HEADERS = [
    "Reference",
    "Received at (America/Los_Angeles)",
    "Status",
    "Name",
    "Email",
    "Phone",
    "Preferred contact",
    "Preferred times",
    "Message",
    "Consent version",
    "Consented at (America/Los_Angeles)",
    "Source page",
    "Source block id",
    "Utm source",
    "Utm medium",
    "Utm campaign",
    "Referrer host",
    "Is spam",
    "Spam reason",
    "Is duplicate",
    "Captcha unverified",
    "Notes",
]


@pytest.mark.django_db
def test_admin_export_columns_and_the_persons_export_keys(client):
    Lead.objects.create(
        name="Casey Example",
        email="casey@example.org",
        consent_version="2026-01",
        consented_at=timezone.now(),
    )
    sign_in(client, get_user_model().objects.create_superuser("root", "r@example.org", "pw"))
    response = client.get(reverse("leads_lead:index"), {"export": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert next(csv.reader(io.StringIO(text, newline=""))) == ADMIN_HEADERS

    request = export_person("casey@example.org")["requests"][0]
    assert list(request) == [field.column for field in STORED_FIELDS] + [
        "history",
        "notifications",
    ]
    assert list(request)[:3] == ["reference", "name", "email"]
    assert list(request)[-3:] == ["ip_hash", "history", "notifications"]


# The outbox publishes `notify` by name, exactly as the task would ------------------------------


def _comparable(name, message, options):
    headers = {k: v for k, v in message.headers.items() if k not in {"id", "root_id", "task_id"}}
    properties = {k: v for k, v in message.properties.items() if k != "correlation_id"}
    return name, headers, properties, message.body, {k: str(v) for k, v in options.items()}


@pytest.mark.parametrize("task_loaded", [True, False], ids=["worker", "web process"])
def test_publish_sends_the_message_notify_apply_async_would(monkeypatch, task_loaded):
    from celery import current_app

    assert tasks.notify.name == outbox.NOTIFY_TASK
    sent = []
    monkeypatch.setattr(
        current_app.amqp,
        "send_task_message",
        lambda producer, name, message, **options: sent.append((name, message, options)),
    )
    with current_app.connection_for_write("memory://") as connection:
        tasks.notify.apply_async((7,), connection=connection, retry=False)
    if not task_loaded:
        # A web process publishes without having imported leads.tasks.
        monkeypatch.delitem(current_app._tasks, outbox.NOTIFY_TASK)

    outbox.publish_now([7])

    expected, published = (_comparable(*entry) for entry in sent)
    assert published == expected
