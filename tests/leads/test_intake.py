"""Both entry points store a valid request through the one service, with its consent and outbox."""

import pytest
from django.test import Client
from wagtail.models import Page

from leads.models import Lead, Notification

pytestmark = pytest.mark.django_db


def test_html_form_stores_lead_and_redirects_to_thanks_without_personal_data(post_form, client):
    page = Page.objects.filter(depth=2).first()
    response = post_form(
        source_page=str(page.pk),
        block_id="b1c2",
        utm_source="newsletter",
        utm_medium="email",
        utm_campaign="spring",
        referrer="www.google.com",
    )

    assert response.status_code == 302
    assert response["Location"] == f"/consultation/thanks/?from={page.pk}"
    lead = Lead.objects.get()
    assert (lead.name, lead.email) == ("Alex Example", "alex@example.org")
    assert lead.phone == "+14085550142"
    assert lead.status == Lead.Status.NEW and not lead.is_spam
    assert lead.consent_version and lead.consented_at
    assert lead.source_page_id == page.pk and lead.source_block_id == "b1c2"
    assert (lead.utm_source, lead.utm_medium) == ("newsletter", "email")
    assert lead.utm_campaign == "spring"
    assert lead.referrer_host == "www.google.com"
    assert lead.ip_hash and "203.0.113.7" not in lead.ip_hash
    assert Notification.objects.filter(lead=lead, state=Notification.State.PENDING).exists()

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    assert "Thank you" in thanks.content.decode()
    assert "Alex" not in thanks.content.decode()
    # A way back to the page the request was sent from.
    assert f'<a href="{page.url}">Back to &ldquo;{page.title}&rdquo;</a>' in thanks.content.decode()


@pytest.mark.parametrize("value", ["", "x", "99999999", "1" * 40])
def test_thanks_page_links_back_only_to_a_live_page(client, value):
    body = client.get("/consultation/thanks/", {"from": value}).content.decode()
    assert "Back to &ldquo;" not in body
    assert '<a href="/">Back to the home page</a>' in body


def test_api_stores_lead_and_answers_201_with_opaque_reference(post_api):
    response = post_api(source_page=None, utm_source="ads", referrer="https://duckduckgo.com/?q=x")

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"reference", "status"}
    lead = Lead.objects.get()
    assert body["reference"] == lead.reference
    assert str(lead.pk) != body["reference"]
    assert lead.utm_source == "ads" and lead.referrer_host == "duckduckgo.com"
    assert lead.notifications.count() >= 1


def test_html_form_needs_to_come_from_this_site():
    """No CSRF token (the form is on cached pages): its Origin proves where it was sent from
    (tests/leads/test_cached_form.py has the rest)."""
    client = Client(enforce_csrf_checks=True)
    from tests.leads.factories import form_data

    response = client.post("/consultation/", form_data())
    assert response.status_code == 403
    assert Lead.objects.count() == 0
    response = client.post("/consultation/", form_data(), headers={"Origin": "http://testserver"})
    assert response.status_code == 302
    assert Lead.objects.count() == 1


def test_standalone_form_page_renders_accessible_form(client):
    response = client.get("/consultation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<label for="cf-form-name"' in html
    assert "clinical" in html  # the hint next to the message
    assert 'name="started"' in html and 'name="website"' in html


def test_invalid_html_form_shows_error_summary_linked_to_fields(post_form):
    response = post_form(email="not-an-email", consent=...)
    html = response.content.decode()

    assert response.status_code == 400
    assert Lead.objects.count() == 0
    assert 'role="alert"' in html
    assert 'href="#cf-form-email"' in html
    assert 'aria-invalid="true"' in html
    assert 'aria-describedby="cf-form-email_error"' in html
    assert "Please tick the box" in html
    assert 'value="Alex Example"' in html  # what the person typed is kept


@pytest.mark.parametrize("method", ["get", "put", "patch", "delete"])
def test_api_cannot_read_or_change_leads(client, method):
    response = getattr(client, method)("/api/v2/leads/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"


def test_api_refuses_non_json(post_api):
    response = post_api(raw=b"name=Alex", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert "application/json" in response.json()["message"]


def test_api_refuses_body_over_16kb(post_api):
    response = post_api(message="x" * 17_000)
    assert response.status_code == 413
    assert Lead.objects.count() == 0


def test_cors_allows_configured_origin_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.practice.example"]
    preflight = {
        "HTTP_ORIGIN": "https://app.practice.example",
        "HTTP_ACCESS_CONTROL_REQUEST_METHOD": "POST",
        "HTTP_ACCESS_CONTROL_REQUEST_HEADERS": "content-type",
    }
    allowed = client.options("/api/v2/leads/", **preflight)
    assert allowed["Access-Control-Allow-Origin"] == "https://app.practice.example"

    preflight["HTTP_ORIGIN"] = "https://evil.example"
    refused = client.options("/api/v2/leads/", **preflight)
    assert "Access-Control-Allow-Origin" not in refused


def test_database_down_gives_503_naming_the_phone(post_form, post_api, settings, monkeypatch):
    from django.db import OperationalError

    settings.LEADS_FALLBACK_PHONE = "(408) 555-0142"

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Lead.objects, "create", down)
    html = post_form()
    assert html.status_code == 503
    assert "(408) 555-0142" in html.content.decode()
    api = post_api()
    assert api.status_code == 503
    assert "(408) 555-0142" in api.json()["message"]


@pytest.mark.parametrize("entry", ["html", "api"])
def test_503_names_the_phone_of_the_site_the_request_came_to(entry, client, settings, monkeypatch):
    """Two sites, two practice phones: the "call us" answer names the one the visitor is on."""
    import json

    from django.db import OperationalError
    from wagtail.models import Site

    from home.models import PracticeSettings
    from tests.leads.factories import api_payload, form_data

    settings.LEADS_FALLBACK_PHONE = ""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "north.example", "south.example"]
    default = Site.objects.get(is_default_site=True)
    phones = {None: "(408) 555-0100", "north.example": "(408) 555-0111"}
    phones["south.example"] = "(650) 555-0122"
    for hostname, phone in phones.items():
        site = default
        if hostname:
            site = Site.objects.create(hostname=hostname, port=80, root_page=default.root_page)
        practice = PracticeSettings.for_site(site)
        practice.phone = phone
        practice.save()

    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Lead.objects, "create", down)
    for host in ("north.example", "south.example"):
        if entry == "html":
            response = client.post(
                "/consultation/",
                form_data(),
                HTTP_HOST=host,
                headers={"Origin": f"http://{host}"},
            )
            text = response.content.decode()
        else:
            body = json.dumps(api_payload())
            response = client.post(
                "/api/v2/leads/", body, content_type="application/json", HTTP_HOST=host
            )
            text = response.json()["message"]
        assert response.status_code == 503
        assert phones[host] in text
        others = [phone for name, phone in phones.items() if name != host]
        assert not any(phone in text for phone in others), (host, text)
    assert Lead.objects.count() == 0


def test_contact_page_form_links_the_privacy_policy_and_records_its_source(client, post_form):
    from tests.blog.factories import make_contact_page, make_site

    home = make_site()
    make_contact_page(home)
    privacy = home.add_child(instance=Page(title="Privacy", slug="privacy"))
    from wagtail.models import Site

    from home.models import PracticeSettings

    practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    practice.privacy_policy_page = privacy
    practice.save()

    html = client.get("/contact/").content.decode()
    assert 'action="/consultation/"' in html
    assert "Read the privacy policy" in html and 'href="/privacy/"' in html
    contact_id = Page.objects.get(slug="contact").pk
    assert f'name="source_page" value="{contact_id}"' in html


def test_odd_campaign_link_does_not_block_the_form(client):
    page = client.get(
        "/consultation/", {"utm_source": "news\r\nletter\x00", "utm_medium": "x" * 300}
    )
    html = page.content.decode()
    assert 'name="utm_source" value="newsletter"' in html
    assert 'name="utm_medium" value="' + "x" * 100 + '"' in html


@pytest.mark.parametrize("referrer", ["http://[::1", "https://[bad/", "//[x"])
def test_malformed_referrer_is_ignored_not_a_500(client, post_api, referrer):
    assert client.get("/consultation/", HTTP_REFERER=referrer).status_code == 200
    assert post_api(referrer=referrer).status_code == 201
    assert Lead.objects.get().referrer_host == ""
