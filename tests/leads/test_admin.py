"""The Leads area: only Lead managers (and superusers) reach it; pipeline, history and export."""

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from leads.models import Lead, LeadActivity
from leads.viewsets import lead_viewset
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

SECRET_NAME = "Casey Canary-Admin"


def make_lead(**fields) -> Lead:
    values = {
        "name": SECRET_NAME,
        "email": "casey@example.org",
        "phone": "+14085550142",
        "consent_version": "2026-01",
        "consented_at": timezone.now(),
    }
    values.update(fields)
    return Lead.objects.create(**values)


def make_user(username: str, group: str | None = None, **extra):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", "pw", **extra)
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def lead():
    return make_lead(is_spam=True, status=Lead.Status.SPAM, spam_reason="honeypot filled")


def every_lead_url(lead) -> list[str]:
    """Every URL the Leads viewset registers (including views added later), plus the exports."""
    urls = []
    for pattern in lead_viewset.get_urlpatterns():
        name = f"{lead_viewset.url_namespace}:{pattern.name}"
        args = [lead.pk] if "<" in str(pattern.pattern) else []
        urls.append(reverse(name, args=args))
    index = reverse(f"{lead_viewset.url_namespace}:index")
    return [*urls, f"{index}?export=csv", f"{index}?export=xlsx"]


def visit(client, url):
    """GET the URL; a POST-only action (405 to GET) is POSTed instead."""
    response = client.get(url)
    if response.status_code == 405:
        return "post", client.post(url)
    return "get", response


def test_every_lead_url_is_walked(lead):
    assert (
        len(set(every_lead_url(lead))) >= 8
    )  # index, results, edit, inspect, history, history results, ...


@pytest.mark.parametrize("role", ["anonymous", "editor", "moderator", "staff without group"])
def test_other_roles_reach_no_lead_url(client, lead, role):
    if role == "editor":
        sign_in(client, make_user("ed", "Editors"))
    elif role == "moderator":
        sign_in(client, make_user("mod", "Moderators"))
    elif role == "staff without group":
        sign_in(client, make_user("staff", is_staff=True))
    reached = []
    for url in every_lead_url(lead):
        _, response = visit(client, url)
        body = b"".join(getattr(response, "streaming_content", [response.content])).decode(
            errors="replace"
        )
        if response.status_code == 200 or SECRET_NAME in body or "casey@" in body:
            reached.append(url)
        assert response.status_code in {302, 403}, (url, response.status_code)
    assert reached == []
    assert Lead.objects.get().is_spam  # the POST did nothing


@pytest.mark.parametrize("role", ["lead manager", "superuser"])
def test_lead_managers_and_superusers_reach_every_lead_url(client, lead, role):
    if role == "superuser":
        user = get_user_model().objects.create_superuser("root", "root@example.org", "pw")
    else:
        user = make_user("manager", "Lead managers")
    sign_in(client, user)
    for url in every_lead_url(lead):
        method, response = visit(client, url)
        if method == "post":
            assert response.status_code == 302, url
            assert response["Location"].startswith("/admin/leads/lead/"), url
        else:
            assert response.status_code == 200, url


@pytest.fixture
def manager_client(client):
    sign_in(client, make_user("manager", "Lead managers"))
    return client


def test_default_list_hides_spam_and_filters_show_it(manager_client):
    make_lead(name="Genuine Person", email="genuine@example.org")
    make_lead(name="Spam Bot", email="bot@example.org", is_spam=True, status=Lead.Status.SPAM)
    index = reverse("leads_lead:index")

    default = manager_client.get(index).content.decode()
    assert "Genuine Person" in default and "Spam Bot" not in default
    spam = manager_client.get(index, {"is_spam": "true"}).content.decode()
    assert "Spam Bot" in spam and "Genuine Person" not in spam
    by_status = manager_client.get(index, {"status": "spam"}).content.decode()
    assert "Spam Bot" in by_status


def test_list_search_and_duplicate_filter(manager_client):
    make_lead(name="Jordan Search", email="jordan@example.org", is_duplicate=True)
    make_lead(name="Riley Other", email="riley@example.org")
    index = reverse("leads_lead:index")

    found = manager_client.get(index, {"q": "jordan"}).content.decode()
    assert "Jordan Search" in found and "Riley Other" not in found
    duplicates = manager_client.get(index, {"is_duplicate": "true"}).content.decode()
    assert "Jordan Search" in duplicates and "Riley Other" not in duplicates


def test_status_change_and_note_are_recorded_with_who_and_when(manager_client):
    lead = make_lead()
    response = manager_client.post(
        reverse("leads_lead:edit", args=[lead.pk]),
        {"status": Lead.Status.CONTACTED, "note": "Left a voicemail."},
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED
    status, note = LeadActivity.objects.filter(lead=lead).order_by("pk")
    assert (status.from_status, status.to_status) == ("new", "contacted")
    assert status.actor.username == "manager" and status.created_at
    assert note.text == "Left a voicemail." and note.actor.username == "manager"

    page = manager_client.get(reverse("leads_lead:edit", args=[lead.pk])).content.decode()
    assert "Left a voicemail." in page and "new &rarr; contacted" in page


def test_not_spam_action_restores_the_lead_and_queues_its_notification(manager_client, lead):
    edit = manager_client.get(reverse("leads_lead:edit", args=[lead.pk])).content.decode()
    assert f'formaction="/admin/leads/lead/not-spam/{lead.pk}/"' in edit
    assert "honeypot filled" in edit  # staff see why it was flagged
    response = manager_client.post(reverse("leads_lead:not_spam", args=[lead.pk]))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert not lead.is_spam and lead.status == Lead.Status.NEW
    assert lead.notifications.count() >= 1
    assert lead.activities.get().to_status == Lead.Status.NEW


FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_csv_and_xlsx_exports_neutralise_formulas(manager_client):
    for number, value in enumerate(FORMULAS):
        make_lead(name=value, email=f"f{number}@example.org", preferred_times=value)
    index = reverse("leads_lead:index")

    response = manager_client.get(index, {"export": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(FORMULAS)
    assert all(row["Name"].startswith("'") for row in rows)
    assert {row["Name"] for row in rows} >= {"'" + value for value in FORMULAS[:5]}
    assert {row["Consent version"] for row in rows} == {"2026-01"}

    response = manager_client.get(index, {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header = [cell.value for cell in sheet[1]]
    names = {row[header.index("Name")] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert len(names) == len(FORMULAS)
    assert all(name.startswith("'") for name in names)


def test_export_needs_the_export_permission(client):
    user = make_user("viewer", "Lead managers")
    group = Group.objects.create(name="Lead viewers")
    group.permissions.set(
        Group.objects.get(name="Lead managers").permissions.exclude(codename="export_lead")
    )
    user.groups.set([group])
    sign_in(client, user)
    index = reverse("leads_lead:index")
    assert client.get(index).status_code == 200
    refused = client.get(index, {"export": "csv"})
    assert refused.status_code in {302, 403}
    assert "text/csv" not in refused.get("Content-Type", "")


def test_dashboard_panel_counts_new_leads_for_managers_only(client):
    make_lead()
    make_lead(email="b@example.org")
    make_lead(email="c@example.org", status=Lead.Status.CONTACTED)
    make_lead(email="d@example.org", is_spam=True, status=Lead.Status.SPAM)

    sign_in(client, make_user("manager", "Lead managers"))
    assert "<strong>2</strong> new requests" in client.get("/admin/").content.decode()
    sign_in(client, make_user("ed", "Editors"))
    assert "new request" not in client.get("/admin/").content.decode()


def test_filters_by_received_date_and_source_page(manager_client):
    from wagtail.models import Page

    source = Page.objects.get(depth=2)
    old = make_lead(name="Old Request", email="old@example.org")
    Lead.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=40))
    make_lead(name="From Article", email="article@example.org", source_page=source)
    index = reverse("leads_lead:index")

    since = (timezone.localdate() - timedelta(days=7)).isoformat()
    recent = manager_client.get(index, {"received_at_from": since}).content.decode()
    assert "From Article" in recent and "Old Request" not in recent
    by_source = manager_client.get(index, {"source_page": source.pk}).content.decode()
    assert "From Article" in by_source and "Old Request" not in by_source
