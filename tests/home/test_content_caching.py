"""Public pages can be cached and revalidated; the validator follows everything the page shows."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Site

from home.models import PracticeSettings
from tests.blog.factories import (
    make_article,
    make_author,
    make_contact_page,
    make_cta,
    make_index,
    make_site,
)
from tests.staff import sign_in


@pytest.fixture
def article(db):
    index = make_index(make_site())
    cta = make_cta(heading="Call us today")
    return make_article(
        index,
        authors=[make_author()],
        body=[("paragraph", "<p>Hello.</p>"), ("cta", {"snippet": cta.pk})],
    )


def test_article_sends_cache_control_and_answers_conditional_get_with_304(client, article):
    first = client.get(article.url)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"] and "max-age=300" in first["Cache-Control"]
    etag = first["ETag"]

    again = client.get(article.url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag


@pytest.mark.parametrize("path", ["/", "/blog/", "/blog/feed/", "/sitemap.xml", "/search/?q=x"])
def test_other_public_pages_revalidate_too(client, article, path):
    first = client.get(path)
    assert first.status_code == 200
    assert "public" in first["Cache-Control"]
    assert client.get(path, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_editing_a_used_snippet_changes_the_validator(client, article):
    etag = client.get(article.url)["ETag"]
    cta = article.body[1].value["snippet"]
    cta.heading = "Call us this week"
    cta.save()
    response = client.get(article.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Call us this week" in response.content.decode()
    assert response["ETag"] != etag


def test_changing_the_practice_phone_changes_the_validator(client, article):
    etag = client.get(article.url)["ETag"]
    practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    practice.phone = "(408) 555-0199"
    practice.save()
    response = client.get(article.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert 'href="tel:+14085550199"' in response.content.decode()


def test_logged_in_editors_get_private_uncached_pages(client, article):
    user = get_user_model().objects.create_superuser("ed", "ed@example.com", "pw-12345678")
    sign_in(client, user)
    response = client.get(article.url)
    assert "private" in response["Cache-Control"]
    assert not response.has_header("ETag")


def test_the_contact_page_with_its_form_is_shared(client, article):
    """Its form carries no per-visitor token (tests/leads/test_cached_form.py)."""
    contact = make_contact_page(article.get_parent().get_parent())
    response = client.get(contact.url)
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert client.get(contact.url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
