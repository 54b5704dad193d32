"""Pages with the consultation form are served from the content cache like any other page, and
the form still refuses a POST forged by another site: it proves itself by its Origin (or
Referer) and its signed, dated token, not by a per-visitor CSRF token."""

import re
import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from home.models import PracticeSettings
from leads.models import Lead
from tests.blog.factories import make_article, make_contact_page, make_index, make_site
from tests.leads.factories import form_data

pytestmark = pytest.mark.django_db

PHONE = "(408) 555-0177"
SITE = "http://testserver"


@pytest.fixture
def pages(settings):
    settings.LEADS_FALLBACK_PHONE = ""
    settings.LEADS_MIN_FILL_SECONDS = 0
    home = make_site(phone=PHONE)
    index = make_index(home)
    article = make_article(
        index,
        body=[
            ("paragraph", "<p>Hello.</p>"),
            ("consultation_form", {"heading": "Book a free consult", "intro": ""}),
        ],
    )
    return {"contact": make_contact_page(home).url, "article": article.url}


def hidden_fields(html: str) -> dict[str, str]:
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def person(**overrides) -> dict:
    """What a person types into the form."""
    return {
        "name": "Alex Example",
        "email": "alex@example.org",
        "phone": "(408) 555-0142",
        "preferred_contact": "phone",
        "message": "I would like to talk.",
        "consent": "on",
        **overrides,
    }


@pytest.mark.parametrize("which", ["contact", "article"])
def test_form_pages_answer_from_the_cache_without_queries(client, pages, which):
    url = pages[which]
    first = client.get(url)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert 'action="/consultation/"' in first.content.decode()
    assert "csrfmiddlewaretoken" not in first.content.decode()

    with CaptureQueriesContext(connection) as queries:
        again = client.get(url)
    assert again.status_code == 200
    assert again["X-Cache"] == "hit"
    assert again["Cache-Control"].startswith("public")
    assert again["ETag"] == first["ETag"]
    assert again.content == first.content
    assert len(queries) == 0, [query["sql"] for query in queries]
    assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {},  # neither Origin nor Referer
    ],
    ids=["other-origin", "null-origin", "other-referer", "no-origin"],
)
def test_a_post_from_another_site_is_refused_naming_the_phone(client, pages, headers):
    response = client.post("/consultation/", form_data(started="forged"), headers=headers)
    assert response.status_code == 403
    html = response.content.decode()
    assert PHONE in html
    assert "nothing was sent or kept" in html
    assert Lead.objects.count() == 0


def test_the_refusal_names_the_phone_of_the_practice_settings(client, pages):
    practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    practice.phone = "(408) 555-0111"
    practice.save()
    response = client.post(
        "/consultation/", form_data(), headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "(408) 555-0111" in response.content.decode()


@pytest.mark.parametrize("which", ["contact", "article"])
def test_a_same_site_post_from_the_cached_page_is_stored(client, pages, which):
    client.get(pages[which])
    cached = client.get(pages[which])
    assert cached["X-Cache"] == "hit"
    form = {**hidden_fields(cached.content.decode()), **person()}
    response = client.post("/consultation/", form, headers={"Origin": SITE})
    assert response.status_code == 302
    assert response["Location"].startswith("/consultation/thanks/")
    lead = Lead.objects.get()
    assert not lead.is_spam, lead.spam_reason
    assert lead.notifications.exists()


def test_without_origin_a_same_site_referer_is_enough(client, pages):
    html = client.get(pages["contact"]).content.decode()
    form = {**hidden_fields(html), **person()}
    response = client.post("/consultation/", form, headers={"Referer": SITE + pages["contact"]})
    assert response.status_code == 302
    assert not Lead.objects.get().is_spam


def test_two_visitors_of_one_cached_page_are_both_genuine(pages):
    """The cached page's token is the same for everyone who gets that copy: it is not single-use,
    or the second visitor's request would be kept as a replay that nobody answers."""
    first, second = Client(), Client()
    first.get(pages["article"])
    html = second.get(pages["article"]).content.decode()
    hidden = hidden_fields(html)
    for number, visitor in enumerate((first, second)):
        response = visitor.post(
            "/consultation/",
            {**hidden, **person(email=f"visitor{number}@example.org")},
            headers={"Origin": SITE},
            REMOTE_ADDR=f"203.0.113.{number + 20}",
        )
        assert response.status_code == 302
    assert [lead.is_spam for lead in Lead.objects.all()] == [False, False]


def test_a_cached_page_carries_nothing_of_the_first_visitor(client, pages):
    """The referrer of whoever filled the cache must not be recorded for everyone else."""
    first = client.get(pages["article"], headers={"Referer": "https://search.example/?q=x"})
    html = first.content.decode()
    assert "search.example" not in html
    # The visitor's browser fills it in (a script from the site itself, allowed by the CSP).
    assert 'name="referrer"' in html and "/static/leads/attribution.js" in html


def test_a_forged_token_from_this_site_is_still_spam(client, pages):
    response = client.post(
        "/consultation/", {**person(), "started": "forged"}, headers={"Origin": SITE}
    )
    assert response.status_code == 302  # a bot is answered as if it succeeded
    assert Lead.objects.get().spam_reason == "form token invalid"


def test_a_form_page_is_rendered_again_once_its_cache_time_is_over(client, pages, settings):
    settings.LEADS_FORM_PAGE_CACHE_SECONDS = 0.05
    first = client.get(pages["contact"])
    assert first["X-Cache"] == "miss"
    time.sleep(0.1)
    assert client.get(pages["contact"])["X-Cache"] == "miss"


def test_with_recaptcha_the_page_is_cached_with_its_google_policy(client, pages, settings):
    settings.RECAPTCHA_ENABLED = True
    settings.RECAPTCHA_PUBLIC_KEY = "site-key"
    settings.RECAPTCHA_PRIVATE_KEY = "secret-key"
    first = client.get(pages["contact"])
    hit = client.get(pages["contact"])
    assert hit["X-Cache"] == "hit"
    assert "https://www.google.com/recaptcha/" in first["Content-Security-Policy"]
    assert hit["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "https://www.google.com/recaptcha/" not in client.get("/")["Content-Security-Policy"]
