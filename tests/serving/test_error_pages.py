"""Every error page a visitor can reach names the practice's phone, also with PostgreSQL down;
NUL and lone surrogates in the address or query string get a 400 that says why, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from cms.serving import errors
from cms.serving.input import CLEANED_PARAMETERS
from home.models import PracticeSettings
from tests.api.factories import ensure_tree_roots

pytestmark = pytest.mark.django_db

PHONE = "(408) 555-0142"
PUBLIC_PATHS = ["/", "/blog/", "/contact/", "/search/", "/consultation/", "/about/"]
QUERY_NAMES = ["q", "tag", "category", "author", "page", "utm_source", "utm_campaign", "x"]


@pytest.fixture
def demo(db):
    ensure_tree_roots()
    call_command("load_demo_content", verbosity=0)
    practice = PracticeSettings.load_default()
    return practice


@pytest.fixture
def visitor() -> Client:
    return Client(raise_request_exception=False)


def test_404_shows_the_site_and_the_practice_phone(demo, visitor):
    response = visitor.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert demo.phone and demo.phone in html


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["/", "/contact/", "/blog/", "/no-such-page/", "/consultation/"])
def test_database_unreachable_every_page_names_the_configured_phone(
    demo, visitor, settings, database_unreachable, path
):
    settings.LEADS_FALLBACK_PHONE = PHONE
    response = visitor.get(path)
    assert response.status_code == 503  # an outage, not a bug: try again
    assert response["Retry-After"]
    html = response.content.decode()
    assert PHONE in html
    assert "tel:4085550142" in html


@pytest.mark.postgres
def test_database_unreachable_without_a_configured_phone_names_the_last_one_served(
    demo, visitor, settings, database_unreachable
):
    settings.LEADS_FALLBACK_PHONE = ""
    errors._phones.clear()
    errors.remember_phone(None, "")  # nothing known: no phone, but still a page with advice
    assert "please call us" in visitor.get("/contact/").content.decode()
    errors.remember_phone(visitor.get("/").wsgi_request, "(408) 555-0199")
    assert "(408) 555-0199" in visitor.get("/contact/").content.decode()


def test_csrf_failure_says_to_allow_cookies_and_names_the_phone(demo, settings):
    settings.LEADS_FALLBACK_PHONE = PHONE
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "alex", "password": "x"})
    assert response.status_code == 403
    html = response.content.decode()
    assert "allow cookies" in html
    assert PHONE in html
    assert "CSRF verification failed" not in html


@pytest.mark.parametrize(
    "url",
    [
        "/search/?q=%00",
        "/blog/?tag=%00",
        "/blog/?category=%00",
        "/blog/?page=%00",
        "/contact/?%00=1",
        "/no%00where/",
    ],
)
def test_nul_in_address_or_query_is_a_400_with_a_message(demo, visitor, settings, url):
    settings.LEADS_FALLBACK_PHONE = PHONE
    response = visitor.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot accept" in html
    assert PHONE in html


def test_a_mangled_campaign_link_still_shows_the_page_and_its_form(demo, visitor):
    response = visitor.get("/consultation/?utm_source=news%00letter&utm_campaign=%ED%A0%80")
    assert response.status_code == 200
    assert 'name="utm_source" value="newsletter"' in response.content.decode()


def _encode(value: str) -> str:
    """Percent-encode as a browser would, lone surrogates included (as CESU bytes)."""
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


QUERY_SETTINGS = hypothesis_settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
unusable_text = st.text(
    alphabet=st.characters(codec=None, categories=["Cs", "Cc", "L", "N", "P", "S", "Z"]),
    max_size=20,
)


@QUERY_SETTINGS
@given(
    path=st.sampled_from(PUBLIC_PATHS),
    params=st.dictionaries(st.sampled_from(QUERY_NAMES) | unusable_text, unusable_text, max_size=3),
)
def test_no_query_string_makes_a_public_page_answer_500(demo, visitor, path, params):
    query = "&".join(f"{_encode(name)}={_encode(value)}" for name, value in params.items())
    response = visitor.get(f"{path}?{query}")
    assert response.status_code < 500, (path, params)
    checked = {name: value for name, value in params.items() if name not in CLEANED_PARAMETERS}
    if any("\x00" in name + value for name, value in checked.items()):
        assert response.status_code == 400
