"""The access trail: who viewed, changed, exported or re-sent a lead, shown on its page and in
Reports to those who may see leads, and to nobody else."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from leads.models import Notification
from tests.leads.test_admin import SECRET_NAME, make_lead
from tests.staff import sign_in

pytestmark = pytest.mark.django_db


def make_staff(username: str, group: str):
    user = get_user_model().objects.create_user(
        username, f"{username}@example.org", "pw-pw-pw-pw", first_name=username.title()
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def trail_on_page(client, lead) -> list[str]:
    html = client.get(f"/admin/leads/lead/edit/{lead.pk}/").content.decode()
    section = html.split('id="access-trail"', 1)[1].split("</ol>", 1)[0]
    return [
        re.sub(r"\s+", " ", item).strip() for item in re.findall(r"<li>(.*?)</li>", section, re.S)
    ]


def test_viewing_and_exporting_a_lead_each_add_an_entry_on_its_page(client):
    lead, other = make_lead(), make_lead(email="other@example.org")
    sign_in(client, make_staff("morgan", "Lead managers"))

    first = trail_on_page(client, lead)  # this visit is itself recorded
    assert len(first) == 1 and "Morgan" in first[0] and "Viewed the request" in first[0]

    assert client.get("/admin/leads/lead/?export=csv").status_code == 200
    entries = trail_on_page(client, lead)
    assert len(entries) == 3
    assert "Exported the request" in entries[1] and "(CSV, 2 requests)" in entries[1]
    assert "Viewed the request" in entries[0] and "Viewed the request" in entries[2]
    assert ModelLogEntry.objects.filter(object_id=str(other.pk), action="leads.export").count() == 1

    client.get(f"/admin/leads/lead/inspect/{lead.pk}/")
    client.post(f"/admin/leads/lead/edit/{lead.pk}/", {"status": "contacted", "note": "Rang"})
    actions = list(
        ModelLogEntry.objects.filter(object_id=str(lead.pk)).values_list("action", flat=True)
    )
    assert {"leads.view", "leads.export", "leads.status", "leads.note"} <= set(actions)
    # Nothing the person sent, nor the note's text, is in any entry.
    for entry in ModelLogEntry.objects.filter(content_type__model="lead"):
        assert entry.label == f"Request {lead.reference}" or entry.label.startswith("Request ")
        assert SECRET_NAME not in f"{entry.label} {entry.data}" and "Rang" not in str(entry.data)


def test_resend_and_access_request_export_are_recorded(client):
    lead = make_lead()
    Notification.objects.create(lead=lead, state=Notification.State.DEAD)
    sign_in(client, make_staff("morgan", "Lead managers"))
    client.post(f"/admin/leads/lead/resend/{lead.pk}/")
    call_command("leads_export_person", lead.email, stdout=open("/dev/null", "w"))  # noqa: SIM115
    entries = trail_on_page(client, lead)
    assert any("Re-sent the notification" in entry and "Morgan" in entry for entry in entries)
    assert any("access-request export" in entry and "system" in entry for entry in entries)


def test_lead_entries_show_in_reports_for_lead_managers_only(client):
    lead = make_lead()
    manager_client = client
    sign_in(manager_client, make_staff("morgan", "Lead managers"))
    manager_client.get(f"/admin/leads/lead/edit/{lead.pk}/")
    reference = f"Request {lead.reference}"
    assert reference in manager_client.get("/admin/reports/site-history/").content.decode()

    from django.test import Client

    editor_client = Client()
    sign_in(editor_client, make_staff("eddie", "Editors"))
    for url in [
        "/admin/reports/site-history/",
        "/admin/reports/site-history/?action=leads.view",
        "/admin/reports/site-history/results/",
        "/admin/reports/site-history/?export=csv",
    ]:
        response = editor_client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert lead.reference not in body.decode(), url
    assert editor_client.get(f"/admin/leads/lead/history/{lead.pk}/").status_code in {302, 403}
