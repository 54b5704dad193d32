"""Each spam layer, with what is stored: spam is kept and flagged, never dropped or announced."""

from unittest import mock
from urllib.error import URLError

import pytest
from django_recaptcha.client import RecaptchaResponse

from leads.models import Lead, Notification
from tests.leads.factories import started_token

pytestmark = pytest.mark.django_db


def test_honeypot_is_stored_as_spam_and_answered_like_success(post_form, post_api):
    html = post_form(website="http://cheap-pills.example")
    api = post_api(website="http://cheap-pills.example", email="bot@example.net")

    assert html.status_code == 302 and html["Location"] == "/consultation/thanks/"
    assert api.status_code == 201 and "reference" in api.json()
    leads = Lead.objects.all()
    assert leads.count() == 2
    for lead in leads:
        assert lead.is_spam and lead.status == Lead.Status.SPAM
        assert "honeypot" in lead.spam_reason
    assert Notification.objects.count() == 0  # nobody is told about spam


def test_form_sent_too_fast_is_stored_as_spam(post_form, settings):
    settings.LEADS_MIN_FILL_SECONDS = 5
    response = post_form(started=started_token(seconds_ago=1))

    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.is_spam and lead.spam_reason == "sent too fast"


@pytest.mark.parametrize(
    ("started", "reason"),
    [("", "form token missing"), ("forged:token", "form token invalid")],
)
def test_form_without_a_valid_signed_start_is_spam(post_form, started, reason):
    post_form(started=started)
    assert Lead.objects.get().spam_reason == reason


def test_form_filled_at_human_speed_is_not_spam(post_form, settings):
    settings.LEADS_MIN_FILL_SECONDS = 5
    post_form(started=started_token(seconds_ago=30))
    assert not Lead.objects.get().is_spam


def test_rate_limit_answers_429_with_retry_after_and_stores_nothing_more(
    post_form, post_api, settings
):
    settings.LEADS_RATE_LIMIT = 2
    for number in range(2):
        assert post_api(email=f"person{number}@example.org").status_code == 201
    limited = post_api(email="third@example.org")

    assert limited.status_code == 429
    assert int(limited["Retry-After"]) > 0
    assert "try again" in limited.json()["message"]
    assert Lead.objects.count() == 2

    for number in range(2):
        assert post_form(email=f"html{number}@example.org").status_code == 302
    html = post_form(email="html-third@example.org")
    assert html.status_code == 429
    assert int(html["Retry-After"]) > 0
    assert "try again" in html.content.decode()
    assert Lead.objects.count() == 4


def test_rate_limit_uses_client_ip_behind_trusted_proxies(client, settings):
    from cms.serving.proxy import client_ip

    settings.TRUSTED_PROXY_COUNT = 1
    request = mock.Mock(
        META={"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2"}
    )
    assert client_ip(request) == "2.2.2.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request) == "1.1.1.1"
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 3  # header shorter than the chain: forged, use the socket
    assert client_ip(request) == "10.0.0.1"


def test_cache_down_fails_open(post_api, post_form, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    settings.LEADS_RATE_LIMIT = 1
    assert post_api().status_code == 201
    assert post_api(email="second@example.org").status_code == 201
    assert post_form(email="third@example.org").status_code == 302
    assert Lead.objects.filter(is_spam=False).count() == 3


def test_same_email_within_window_is_flagged_duplicate(post_api, post_form, settings):
    settings.LEADS_DUPLICATE_WINDOW = 3600
    post_api(email="alex@example.org")
    post_form(email="ALEX@example.org")

    first, second = Lead.objects.order_by("received_at")
    assert not first.is_duplicate
    assert second.is_duplicate and not second.is_spam
    assert second.notifications.exists()  # a duplicate is still a person: still notified


@pytest.fixture
def recaptcha(settings):
    settings.RECAPTCHA_PUBLIC_KEY = "public-test-key"
    settings.RECAPTCHA_PRIVATE_KEY = "private-test-key"
    settings.RECAPTCHA_ENABLED = True
    settings.RECAPTCHA_VERSION = "v3"
    settings.RECAPTCHA_REQUIRED_SCORE = 0.5
    return settings


def answer(score: float, valid: bool = True) -> RecaptchaResponse:
    return RecaptchaResponse(is_valid=valid, extra_data={"score": score}, action="consultation")


def test_low_recaptcha_score_is_stored_as_spam(recaptcha, post_api, post_form):
    with mock.patch("django_recaptcha.client.submit", return_value=answer(0.1)) as submit:
        api = post_api(recaptcha_token="token-from-browser")
        html = post_form(**{"g-recaptcha-response": "token-from-browser", "email": "b@example.org"})

    assert api.status_code == 201 and html.status_code == 302
    assert submit.call_args.kwargs["recaptcha_response"] == "token-from-browser"
    assert submit.call_args.kwargs["private_key"] == "private-test-key"
    for lead in Lead.objects.all():
        assert lead.is_spam and "low reCAPTCHA score" in lead.spam_reason


def test_good_recaptcha_score_is_accepted(recaptcha, post_api):
    with mock.patch("django_recaptcha.client.submit", return_value=answer(0.9)):
        post_api(recaptcha_token="token-from-browser")
    lead = Lead.objects.get()
    assert not lead.is_spam and not lead.captcha_unverified


def test_v2_rejected_token_is_spam(recaptcha, post_api):
    recaptcha.RECAPTCHA_VERSION = "v2-checkbox"
    with mock.patch("django_recaptcha.client.submit", return_value=answer(0, valid=False)):
        post_api(recaptcha_token="bad")
    assert Lead.objects.get().spam_reason == "reCAPTCHA rejected"


@pytest.mark.parametrize("error", [URLError("unreachable"), TimeoutError("timed out"), OSError()])
def test_unreachable_recaptcha_accepts_and_flags_unverified(recaptcha, post_api, post_form, error):
    with mock.patch("django_recaptcha.client.submit", side_effect=error):
        api = post_api(recaptcha_token="token")
        html = post_form(**{"g-recaptcha-response": "token", "email": "b@example.org"})

    assert api.status_code == 201 and html.status_code == 302
    for lead in Lead.objects.all():
        assert lead.captcha_unverified and not lead.is_spam
        assert lead.notifications.exists()


def test_html_form_without_javascript_token_is_accepted_but_unverified(recaptcha, post_form):
    with mock.patch("django_recaptcha.client.submit") as submit:
        post_form()
    submit.assert_not_called()
    lead = Lead.objects.get()
    assert lead.captcha_unverified and not lead.is_spam


def test_api_without_token_when_recaptcha_is_on_is_spam(recaptcha, post_api):
    with mock.patch("django_recaptcha.client.submit") as submit:
        assert post_api().status_code == 201
    submit.assert_not_called()
    assert Lead.objects.get().spam_reason == "reCAPTCHA token missing"


def test_recaptcha_hosts_allowed_only_on_pages_with_the_widget(recaptcha, client):
    with_widget = client.get("/consultation/")
    assert "www.google.com/recaptcha" in with_widget["Content-Security-Policy"]
    assert "recaptcha/api.js?render=public-test-key" in with_widget.content.decode()
    without = client.get("/consultation/thanks/")
    assert "google.com" not in without["Content-Security-Policy"]


def test_no_recaptcha_script_when_keys_are_not_configured(client):
    response = client.get("/consultation/")
    assert "recaptcha" not in response.content.decode().lower()
    assert "google.com" not in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    ("version", "script", "widget"),
    [
        ("v3", "api.js?render=public-test-key", 'name="recaptcha_token"'),
        ("v2-checkbox", 'recaptcha/api.js"', 'class="g-recaptcha" data-sitekey="public-test-key"'),
        ("v2-invisible", "api.js?render=explicit", 'data-size="invisible"'),
    ],
)
def test_each_recaptcha_version_renders_its_widget(recaptcha, client, version, script, widget):
    recaptcha.RECAPTCHA_VERSION = version
    html = client.get("/consultation/").content.decode()
    assert script in html and widget in html
    assert f'data-recaptcha="{version}"' in html
    assert "/static/leads/consultation-form.js" in html
