"""A content cache hit is answered at the top of the middleware stack, with the headers the whole
stack gave the stored response: the same security headers, ETag and 304, CORS for the request's
own Origin, and never for a signed-in editor or a preview."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.contrib.redirects.models import Redirect

from tests.blog.factories import make_article, make_index, make_site
from tests.staff import sign_in

pytestmark = pytest.mark.django_db

FRONTEND = "https://front.example"


@pytest.fixture
def article(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]
    index = make_index(make_site())
    return make_article(index, body=[("paragraph", "<p>The published text.</p>")])


def headers_of(response) -> dict[str, str]:
    return {name.lower(): value for name, value in response.items() if name.lower() != "x-cache"}


@pytest.mark.parametrize("encoding", ["", "gzip", "br"])
@pytest.mark.parametrize("which", ["html", "api"])
def test_a_hit_has_the_headers_of_the_miss(client, article, which, encoding):
    url = article.url if which == "html" else f"/api/v2/pages/{article.pk}/"
    headers = {"Accept-Encoding": encoding} if encoding else {}
    miss = client.get(url, headers=headers)
    with CaptureQueriesContext(connection) as queries:
        hit = client.get(url, headers=headers)
    assert (miss["X-Cache"], hit["X-Cache"]) == ("miss", "hit")
    assert headers_of(hit) == headers_of(miss)
    assert hit.content == miss.content
    assert len(queries) == 0
    for header in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "ETag",
        "Vary",
    ):
        assert hit.has_header(header), header
    assert hit["Cache-Control"].startswith("public")
    assert hit.get("Content-Encoding", "") == encoding


@pytest.mark.parametrize("which", ["html", "api"])
def test_a_hit_answers_if_none_match_with_304_and_its_headers(client, article, which):
    url = article.url if which == "html" else f"/api/v2/pages/{article.pk}/"
    etag = client.get(url)["ETag"]
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    assert not_modified["X-Cache"] == "hit"
    assert not_modified.content == b""
    assert not_modified["ETag"] == etag
    assert not_modified.has_header("Content-Security-Policy")


def test_cors_on_a_hit_follows_the_request_origin(client, article):
    url = f"/api/v2/pages/{article.pk}/"
    client.get(url)  # stored without any Origin
    allowed = client.get(url, headers={"Origin": FRONTEND})
    assert allowed["X-Cache"] == "hit"
    assert allowed["Access-Control-Allow-Origin"] == FRONTEND
    assert "ETag" in allowed["Access-Control-Expose-Headers"]
    other = client.get(url, headers={"Origin": "https://evil.example"})
    assert other["X-Cache"] == "hit"
    assert not other.has_header("Access-Control-Allow-Origin")
    assert "origin" in other["Vary"].lower()
    revalidated = client.get(url, headers={"Origin": FRONTEND, "If-None-Match": allowed["ETag"]})
    assert revalidated.status_code == 304
    assert revalidated["Access-Control-Allow-Origin"] == FRONTEND


def test_a_signed_in_editor_never_gets_the_shared_copy(client, article):
    assert client.get(article.url)["X-Cache"] == "miss"
    assert client.get(article.url)["X-Cache"] == "hit"
    user = get_user_model().objects.create_superuser("ed", "ed@example.com", "pw-12345678")
    sign_in(client, user)
    response = client.get(article.url)
    assert not response.has_header("X-Cache")
    assert "private" in response["Cache-Control"]


def test_a_preview_is_never_served_from_the_cache(client, article):
    # Wagtail's preview request is addressed to the site's own hostname (here localhost).
    client.get(article.url, HTTP_HOST="localhost")
    assert client.get(article.url, HTTP_HOST="localhost")["X-Cache"] == "hit"
    article.body = [("paragraph", "<p>The draft text.</p>")]
    article.save_revision()  # a draft: the live page does not change
    preview = article.make_preview_request()
    assert "The draft text." in preview.content.decode()
    assert not preview.has_header("X-Cache")
    live = client.get(article.url, HTTP_HOST="localhost")
    assert live["X-Cache"] == "hit"
    assert "The published text." in live.content.decode()


def test_publishing_invalidates_the_hit(client, article):
    client.get(article.url)
    assert client.get(article.url)["X-Cache"] == "hit"
    article.body = [("paragraph", "<p>The new text.</p>")]
    article.save_revision().publish()
    response = client.get(article.url)
    assert response["X-Cache"] == "miss"
    assert "The new text." in response.content.decode()


def test_an_old_query_string_link_redirects_once_its_redirect_is_saved(client, article):
    """`/?p=ID` showed the home page (and was cached); the Redirect saved afterwards wins."""
    assert client.get("/?p=1724").status_code == 200
    assert client.get("/?p=1724")["X-Cache"] == "hit"
    Redirect.objects.create(old_path=Redirect.normalise_path("/?p=1724"), redirect_page=article)
    response = client.get("/?p=1724")
    assert response.status_code == 301
    assert response["Location"].endswith(article.url)


def test_plain_http_is_redirected_not_served_from_the_cache(client, article, settings):
    """Entries outlive a restart: one stored over plain HTTP before SECURE_SSL_REDIRECT was
    turned on is never served in place of the redirect."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    secure = {"X-Forwarded-Proto": "https"}
    client.get(article.url, headers=secure)
    assert client.get(article.url)["X-Cache"] == "miss"
    assert client.get(article.url)["X-Cache"] == "hit"
    settings.SECURE_SSL_REDIRECT = True
    restarted = Client()  # middleware built with the redirect on
    assert restarted.get(article.url, headers=secure)["X-Cache"] == "hit"
    plain = restarted.get(article.url)
    assert plain.status_code == 301
    assert plain["Location"].startswith("https://")
