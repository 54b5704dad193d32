"""The Leads area: only Lead managers (and superusers) reach it; pipeline, history and export."""

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from leads.models import Lead, LeadActivity
from leads.viewsets import age_label, lead_viewset, neutralise_formula
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


def export(client, export_format):
    response = client.get(reverse("leads_lead:index"), {"export": export_format})
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def csv_rows(client) -> list[dict]:
    return list(csv.DictReader(io.StringIO(export(client, "csv").decode(), newline="")))


def xlsx_rows(client) -> list[dict]:
    sheet = load_workbook(io.BytesIO(export(client, "xlsx"))).active
    rows = list(sheet.iter_rows())
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def test_csv_guards_real_formulas_and_xlsx_keeps_every_value_as_text(manager_client):
    for number, value in enumerate(FORMULAS):
        make_lead(name=value, email=f"f{number}@example.org", preferred_times=value)

    rows = csv_rows(manager_client)
    assert len(rows) == len(FORMULAS)
    assert {row["Name"] for row in rows} >= {"'" + value for value in FORMULAS[:5]}
    assert all(row["Name"].startswith("'") for row in rows)
    assert {row["Consent version"] for row in rows} == {"2026-01"}

    cells = [row["Name"] for row in xlsx_rows(manager_client)]
    # A string cell is never run as a formula: the value is kept exactly, with no quote shown.
    # (XML reads a carriage return back as a line feed.)
    assert {cell.value for cell in cells} == {value.replace("\r", "\n") for value in FORMULAS}
    assert {cell.data_type for cell in cells} == {"s"}


def test_phone_numbers_are_text_without_a_quote(manager_client):
    make_lead(phone="+14085550142")

    assert csv_rows(manager_client)[0]["Phone"] == "+14085550142"
    phone = xlsx_rows(manager_client)[0]["Phone"]
    assert (phone.value, phone.data_type) == ("+14085550142", "s")


def test_export_shows_local_times_labels_and_notes(manager_client, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    manager = get_user_model().objects.get(username="manager")
    lead = make_lead(
        preferred_contact=Lead.ContactMethod.TEXT,
        status=Lead.Status.CONTACTED,
        received_at=datetime(2026, 7, 1, 18, 30, 15, 123456, tzinfo=UTC),
    )
    LeadActivity.objects.create(
        lead=lead,
        kind=LeadActivity.Kind.NOTE,
        actor=manager,
        text="Left a voicemail; try again Tuesday.",
        created_at=datetime(2026, 7, 2, 16, 5, tzinfo=UTC),
    )

    row = csv_rows(manager_client)[0]
    assert row["Received at (America/Los_Angeles)"] == "2026-07-01 11:30:15"
    assert row["Preferred contact"] == "Text message"
    assert row["Status"] == "Contacted"
    assert row["Is spam"] == "No"
    assert row["Notes"] == "2026-07-02 09:05 manager: Left a voicemail; try again Tuesday."

    cells = xlsx_rows(manager_client)[0]
    assert cells["Received at (America/Los_Angeles)"].value == datetime(2026, 7, 1, 11, 30, 15)
    assert cells["Preferred contact"].value == "Text message"
    assert cells["Notes"].value.endswith("Left a voicemail; try again Tuesday.")


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


def test_list_is_made_for_calling_back(manager_client):
    make_lead(
        name="Ana Rivera",
        phone="+14085550142",
        preferred_contact=Lead.ContactMethod.PHONE,
        preferred_times="weekday evenings",
        received_at=timezone.now() - timedelta(hours=2, minutes=5),
    )
    make_lead(
        name="Ben Texter",
        email="ben@example.org",
        phone="+14085550199",
        preferred_contact=Lead.ContactMethod.TEXT,
    )
    make_lead(name="Cleo Mailer", email="cleo@example.org", preferred_contact="email")

    page = manager_client.get(reverse("leads_lead:index")).content.decode()
    assert '<a href="tel:+14085550142">Call (408) 555-0142</a>' in page
    assert '<a href="sms:+14085550199">Text (408) 555-0199</a>' in page
    assert '<a href="mailto:cleo@example.org">Email cleo@example.org</a>' in page
    assert "weekday evenings" in page
    assert "2 h ago" in page

    found = manager_client.get(reverse("leads_lead:index"), {"q": "Rivera"}).content.decode()
    assert "Ana Rivera" in found and "Ben Texter" not in found


def test_the_detail_page_suggests_the_next_step_and_takes_it(manager_client):
    lead = make_lead(name="Ana Rivera", preferred_times="mornings")
    edit = manager_client.get(reverse("leads_lead:edit", args=[lead.pk])).content.decode()
    assert '<a class="button" href="tel:+14085550142">Call Ana now: (408) 555-0142</a>' in edit
    assert "They prefer: mornings." in edit

    response = manager_client.post(
        reverse("leads_lead:advance", args=[lead.pk]), {"next_status": Lead.Status.CONTACTED}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED
    assert lead.activities.get().actor.username == "manager"
    edit = manager_client.get(reverse("leads_lead:edit", args=[lead.pk])).content.decode()
    assert "Mark consultation booked" in edit

    # A step that does not follow from the current status is refused, not applied.
    manager_client.post(
        reverse("leads_lead:advance", args=[lead.pk]), {"next_status": Lead.Status.CLIENT}
    )
    lead.refresh_from_db()
    assert lead.status == Lead.Status.CONTACTED


@pytest.mark.parametrize(
    ("value", "guarded"),
    [
        ("+14085550142", False),
        ("+1 408 555 0142", False),
        ("-12.5", False),
        ("Ana", False),
        ("+1+1", True),
        ("-2+3", True),
        ("+1 408 555 0142)", True),
        ("=1", True),
        ("@SUM(A1)", True),
        ("+", True),
    ],
)
def test_csv_guard_fires_only_on_values_a_spreadsheet_would_run(value, guarded):
    assert neutralise_formula(value) == ("'" + value if guarded else value)


@pytest.mark.parametrize(
    ("ago", "label"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=25), "25 min ago"),
        (timedelta(hours=2, minutes=59), "2 h ago"),
        (timedelta(days=1, hours=3), "1 day ago"),
        (timedelta(days=9), "9 days ago"),
    ],
)
def test_age_reads_as_a_caller_thinks_of_it(ago, label):
    now = timezone.now()
    assert age_label(now - ago, now) == label
