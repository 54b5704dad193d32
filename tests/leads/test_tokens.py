"""Tokens and references: the form's token works once and expires, `source_page` names only live
public pages, the acknowledgement reaches one address at most once a day."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from wagtail.models import Page, PageViewRestriction

from leads.models import Lead, LeadNotificationSettings, Notification
from leads.notifications import practice_message
from tests.leads.factories import started_token
from tests.leads.notify_support import default_site

pytestmark = pytest.mark.django_db


def token_from_page(client) -> str:
    html = client.get("/consultation/").content.decode()
    return re.search(r'name="started" value="([^"]+)"', html).group(1)


def test_the_form_token_works_once(client, post_form, settings):
    settings.LEADS_MIN_FILL_SECONDS = 0
    token = token_from_page(client)
    post_form(started=token, email="first@example.org")
    post_form(started=token, email="second@example.org")
    first, second = Lead.objects.order_by("received_at")
    assert not first.is_spam
    assert second.is_spam and second.spam_reason == "form token reused"
    assert token_from_page(client) != token  # each form shown gets its own


EXPIRED_MESSAGE = (
    "This page was open for a long time, so please check your request and press Send once more."
    " Nothing has been sent yet."
)


def test_an_expired_token_reshows_the_filled_form_and_sending_again_is_delivered(
    client, post_form, settings
):
    """A page left open over a weekend: not stored as spam, but shown again with what the
    person wrote, and pressing Send at once (faster than LEADS_MIN_FILL_SECONDS) delivers."""
    settings.LEADS_FORM_TOKEN_MAX_AGE = 3600
    settings.LEADS_MIN_FILL_SECONDS = 30
    response = post_form(
        started=started_token(seconds_ago=3700),
        name="Robin Weekend",
        email="robin@example.org",
        preferred_contact="email",
        message="I left this open since Friday.",
    )

    assert response.status_code == 400
    html = response.content.decode()
    assert EXPIRED_MESSAGE in html
    assert "data-error-summary" in html and "error-summary.js" in html
    assert 'value="Robin Weekend"' in html and 'value="robin@example.org"' in html
    assert "I left this open since Friday." in html
    assert re.search(r'value="email"[^>]*checked', html)
    assert re.search(r'name="consent"[^>]*checked', html)
    assert not Lead.objects.exists()

    fresh = re.search(r'name="started" value="([^"]+)"', html).group(1)
    again = post_form(
        started=fresh,
        name="Robin Weekend",
        email="robin@example.org",
        preferred_contact="email",
        message="I left this open since Friday.",
    )

    assert again.status_code == 302 and again["Location"] == "/consultation/thanks/"
    lead = Lead.objects.get()
    assert not lead.is_spam and lead.status == Lead.Status.NEW
    assert lead.name == "Robin Weekend"
    assert list(lead.notifications.values_list("kind", flat=True)) == [Notification.Kind.PRACTICE]


def test_the_reshown_token_is_still_single_use(post_form, settings):
    settings.LEADS_FORM_TOKEN_MAX_AGE = 3600
    settings.LEADS_MIN_FILL_SECONDS = 30
    html = post_form(started=started_token(seconds_ago=3700)).content.decode()
    fresh = re.search(r'name="started" value="([^"]+)"', html).group(1)
    post_form(started=fresh, email="first@example.org")
    post_form(started=fresh, email="second@example.org")
    first, second = Lead.objects.order_by("received_at")
    assert not first.is_spam
    assert second.is_spam and second.spam_reason == "form token reused"


def test_an_expired_token_with_the_honeypot_filled_is_still_spam(post_form, settings):
    settings.LEADS_FORM_TOKEN_MAX_AGE = 3600
    response = post_form(started=started_token(seconds_ago=3700), website="http://x.example")
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.is_spam and "honeypot filled" in lead.spam_reason


def make_pages():
    root = default_site().root_page
    public = root.add_child(instance=Page(title="Public article", slug="public-article"))
    draft = root.add_child(instance=Page(title="Secret draft plans", slug="draft", live=False))
    private = root.add_child(instance=Page(title="Private staff page", slug="private"))
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="pw"
    )
    below_private = private.add_child(instance=Page(title="Below private", slug="below"))
    return public, draft, private, below_private


def test_source_page_must_be_live_and_public_else_it_is_dropped(post_api, post_form):
    public, draft, private, below_private = make_pages()
    for index, page in enumerate([public, draft, private, below_private]):
        assert post_api(source_page=page.pk, email=f"p{index}@example.org").status_code == 201
    assert post_form(source_page=str(draft.pk), email="form@example.org").status_code == 302
    stored = dict(Lead.objects.values_list("email", "source_page_id"))
    assert stored == {
        "p0@example.org": public.pk,
        "p1@example.org": None,
        "p2@example.org": None,
        "p3@example.org": None,
        "form@example.org": None,
    }


def test_practice_email_names_no_page_that_became_private_or_a_draft(post_api):
    public, *_ = make_pages()
    post_api(source_page=public.pk)
    lead = Lead.objects.get()
    assert "Public article" in practice_message(lead).body
    public.unpublish()
    lead.refresh_from_db()
    assert "Public article" not in practice_message(lead).body


@pytest.fixture
def ack_on():
    options = LeadNotificationSettings.for_site(default_site())
    options.acknowledgement_enabled = True
    options.save()


def test_acknowledgement_at_most_once_per_address_per_day(post_api, ack_on, settings):
    settings.LEADS_RATE_LIMIT = 10
    settings.LEADS_DUPLICATE_WINDOW = 0  # not flagged as duplicates: only the ack limit applies
    for _ in range(3):
        assert post_api(email="Victim@Example.org").status_code == 201
    assert post_api(email="someone.else@example.org").status_code == 201
    acks = Notification.objects.filter(kind=Notification.Kind.ACKNOWLEDGEMENT)
    assert sorted(acks.values_list("lead__email", flat=True)) == [
        "Victim@example.org",
        "someone.else@example.org",
    ]
    # The limit is kept under an HMAC of the address, never the address itself.
    keys = [key for key in cache._cache if ":leads:ack:" in key] if hasattr(cache, "_cache") else []
    assert keys and not any("victim" in key.lower() for key in keys)
    assert mail.outbox == []  # queued, not sent inline


@pytest.mark.parametrize(
    "backend",
    [
        "django.core.cache.backends.redis.RedisCache",
        "cms.serving.resilient_cache.ResilientRedisCache",  # production's: errors are misses
    ],
)
def test_with_the_cache_down_tokens_and_acknowledgements_still_work(
    post_form, post_api, settings, backend, ack_on
):
    settings.CACHES = {
        "default": {
            "BACKEND": backend,
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    assert post_form(email="form@example.org").status_code == 302
    assert post_api(email="same@example.org").status_code == 201
    assert post_api(email="same@example.org").status_code == 201
    assert not Lead.objects.filter(spam_reason__contains="token").exists()
    # The database stands in for the limit: one acknowledgement per address.
    acks = Notification.objects.filter(kind=Notification.Kind.ACKNOWLEDGEMENT)
    assert sorted(acks.values_list("lead__email", flat=True)) == [
        "form@example.org",
        "same@example.org",
    ]
