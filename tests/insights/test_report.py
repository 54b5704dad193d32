"""The "Articles and requests" report: Editors and Lead managers; outcomes for Lead managers."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from insights.models import CtaClickDay, PageViewDay
from insights.services import months_ago, purge_old_counts
from leads.models import Lead
from tests import staff

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/articles/"


def signed_in(client, group: str | None):
    user = get_user_model().objects.create_user(
        f"{group or 'nobody'}-user".replace(" ", "-"), "s@example.org", "pw"
    )
    if group:
        user.groups.add(Group.objects.get(name=group))
    else:
        from django.contrib.auth.models import Permission

        user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    staff.sign_in(client, user)
    return user


def lead(page, status=Lead.Status.NEW, is_spam=False, days_ago=1) -> Lead:
    return Lead.objects.create(
        name="Alex Example",
        email="alex@example.org",
        consent_version="2026-01",
        consented_at=timezone.now(),
        source_page=page,
        status=status,
        is_spam=is_spam,
        received_at=timezone.now() - timedelta(days=days_ago),
    )


@pytest.fixture
def figures(article):
    today = timezone.localdate()
    PageViewDay.objects.create(page=article, day=today, views=150, search=100, direct=50)
    PageViewDay.objects.create(page=article, day=today - timedelta(days=40), views=1000)
    CtaClickDay.objects.create(page=article, day=today, cta="abc", action="booking", clicks=9)
    lead(article, status=Lead.Status.CONTACTED)
    lead(article, status=Lead.Status.CLIENT)
    lead(article)
    lead(article, is_spam=True, status=Lead.Status.SPAM)
    lead(article, days_ago=45)
    return article


def row_cells(html: str, page_id: int) -> str:
    start = html.index(f'data-page-id="{page_id}"')
    return html[start : html.index("</tr>", start)]


def test_an_editor_sees_views_clicks_requests_and_conversion_but_not_outcomes(client, figures):
    signed_in(client, "Editors")
    response = client.get(REPORT)
    assert response.status_code == 200
    html = response.content.decode()
    cells = row_cells(html, figures.pk)
    assert 'data-col="views">150<' in cells
    assert 'data-col="clicks">9<' in cells
    assert 'data-col="requests">3<' in cells  # the spam and the 45-day-old request are not
    assert 'data-col="conversion">2.0%<' in cells
    assert "Became clients" not in html and 'data-col="clients"' not in html
    assert "<svg" in html and "<script" not in html.split("<svg", 1)[1].split("</svg>")[0]


def test_a_lead_manager_also_sees_what_became_of_the_requests(client, figures):
    signed_in(client, "Lead managers")
    html = client.get(REPORT).content.decode()
    cells = row_cells(html, figures.pk)
    assert 'data-col="contacted">2<' in cells
    assert 'data-col="clients">1<' in cells
    assert "Became clients" in html


def test_a_longer_period_includes_older_figures(client, figures):
    signed_in(client, "Editors")
    html = client.get(REPORT, {"range": "90"}).content.decode()
    assert 'data-col="views">1150<' in row_cells(html, figures.pk)
    assert 'data-col="requests">4<' in row_cells(html, figures.pk)


def test_dates_in_the_wrong_order_say_so(client, figures):
    signed_in(client, "Editors")
    response = client.get(REPORT, {"range": "custom", "start": "2026-05-02", "end": "2026-05-01"})
    assert response.status_code == 200
    assert "The start date must be on or before the end date." in response.content.decode()


def test_csv_export_has_the_same_figures(client, figures):
    signed_in(client, "Editors")
    response = client.get(REPORT, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Page"] == figures.title
    assert (rows[0]["Views"], rows[0]["CTA clicks"], rows[0]["Requests"]) == ("150", "9", "3")
    assert "Became clients" not in rows[0]


def test_staff_without_the_permission_cannot_open_the_report(client, figures):
    signed_in(client, None)
    assert client.get(REPORT).status_code in {302, 403}
    assert "Articles and requests" not in client.get("/admin/").content.decode()


def test_the_retention_purge_deletes_daily_rows_past_the_period(article, settings):
    settings.INSIGHTS_RETENTION_MONTHS = 25
    today = timezone.localdate()
    cutoff = months_ago(today, 25)
    PageViewDay.objects.create(page=article, day=cutoff - timedelta(days=1), views=5)
    PageViewDay.objects.create(page=article, day=cutoff, views=7)
    CtaClickDay.objects.create(page=article, day=cutoff - timedelta(days=3), cta="a", action="call")
    assert purge_old_counts() == 2
    assert list(PageViewDay.objects.values_list("views", flat=True)) == [7]
