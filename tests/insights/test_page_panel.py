"""The page editor's status panel shows the page's own figures to those who may see the report."""

from __future__ import annotations

from pathlib import Path

import pytest
import wagtail
from django.conf import settings
from django.utils import timezone

from insights.models import PageViewDay
from tests.insights.test_report import lead, signed_in

pytestmark = pytest.mark.django_db

OVERRIDE = Path(settings.BASE_DIR) / "templates/wagtailadmin/shared/side_panels/status.html"
UPSTREAM = (
    Path(wagtail.__file__).parent / "admin/templates/wagtailadmin/shared/side_panels/status.html"
)


def test_the_page_editor_shows_the_pages_figures(client, article):
    PageViewDay.objects.create(page=article, day=timezone.localdate(), views=40)
    lead(article)
    signed_in(client, "Editors")
    html = client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert "Readers and requests, last 30 days" in html
    assert 'data-figure="views">40<' in html
    assert 'data-figure="requests">1<' in html
    assert 'data-figure="conversion">2.5%<' in html
    assert 'data-figure="outcomes"' not in html


def test_the_overridden_status_panel_is_upstreams_plus_the_figures():
    """Fails when Wagtail changes its status panel: copy it again and re-add the one line."""
    ours = OVERRIDE.read_text().splitlines()
    upstream = UPSTREAM.read_text().splitlines()
    assert [line for line in ours if "insights" not in line] == upstream[1:]
    assert ours[0].split("{#")[0].replace(" insights_tags", "") == upstream[0]
