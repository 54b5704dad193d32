"""Bad input on every field of both entry points: a 4xx a person can act on, never a 500, no row."""

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from leads.api import FIELDS
from leads.forms import LeadForm
from leads.models import Lead
from tests.leads.factories import api_payload, form_data

pytestmark = pytest.mark.django_db

SINGLE_LINE = {
    "name": 120,
    "email": 254,
    "phone": 32,
    "preferred_times": 200,
    "block_id": 64,
    "utm_source": 100,
    "utm_medium": 100,
    "utm_campaign": 100,
    "referrer": 2000,
    "website": 200,
    "recaptcha_token": 4000,
}
TEXT_FIELDS = [*SINGLE_LINE, "message", "preferred_contact"]


def _overlong(field: str) -> str:
    length = SINGLE_LINE.get(field, 1000) + 1
    return "a" * (length - 12) + "@example.org" if field == "email" else "a" * length


CASES = (
    [(field, "NUL byte", f"ab\x00{field}") for field in TEXT_FIELDS]
    + [(field, "line break", "first\r\nsecond") for field in SINGLE_LINE]
    + [(field, "line feed", "first\nsecond") for field in SINGLE_LINE]
    + [(field, "over-long", _overlong(field)) for field in [*SINGLE_LINE, "message"]]
    + [("preferred_contact", "unknown choice", "fax")]
    + [("email", "invalid", value) for value in ["not-an-email", "a@", "@b.org", "a b@c.org"]]
    + [("phone", "invalid", value) for value in ["12", "call me", "+1 000 000 0000", "555"]]
    + [("name", "missing", ...), ("email", "missing", ...), ("consent", "missing", ...)]
    + [("phone", "missing but phone preferred", ...)]
    + [("source_page", "not a page id", value) for value in [0, -3, 2**40]]
)


def _ids(case):
    field, what, _ = case
    return f"{field}-{what}"


@pytest.mark.parametrize("case", CASES, ids=[_ids(case) for case in CASES])
@pytest.mark.parametrize("entry", ["html", "api"])
def test_bad_input_is_refused_with_a_message_for_that_field(entry, case, post_form, post_api):
    field, _what, value = case
    if entry == "html":
        response = post_form(**{field: value if value is ... else str(value)})
        assert response.status_code == 400
        html = response.content.decode()
        assert "There is a problem" in html or "There are problems" in html
        if LeadForm.base_fields[field].widget.is_hidden:
            assert "please reload the page" in html
        else:
            assert f'href="#cf-form-{field}"' in html  # the summary links to the field
            if field != "website":  # the honeypot is never shown to people
                assert f'id="cf-form-{field}_error"' in html  # the message sits next to it
    else:
        response = post_api(**{field: value})
        assert response.status_code == 400
        errors = response.json()["errors"]
        assert field in errors
        assert all(isinstance(text, str) and len(text) > 10 for text in errors[field])
    assert Lead.objects.count() == 0


API_CASES = [
    ("invalid JSON", b"{name: 'Alex'}"),
    ("truncated JSON", b'{"name": "Alex", "email": "alex@exa'),
    ("top-level array", b'[{"name": "Alex"}]'),
    ("top-level null", b"null"),
    ("top-level string", b'"hello"'),
    ("NaN", b'{"name": NaN}'),
    ("not UTF-8", b'{"name": "\xff\xfe"}'),
    ("whitespace only", b"   "),
]


@pytest.mark.parametrize(("what", "body"), API_CASES, ids=[case[0] for case in API_CASES])
def test_api_refuses_malformed_json_with_400(what, body, post_api):
    response = post_api(raw=body)
    assert response.status_code == 400
    assert "JSON" in response.json()["message"]
    assert Lead.objects.count() == 0


WRONG_TYPES = [
    ("name", 123),
    ("name", ["Alex"]),
    ("email", {"address": "alex@example.org"}),
    ("message", True),
    ("consent", "yes"),
    ("consent", 1),
    ("source_page", "12"),
    ("source_page", True),
    ("source_page", 1.5),
    ("phone", 4085550142),
]


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES)
def test_api_refuses_wrong_types_naming_the_expected_type(field, value, post_api):
    response = post_api(**{field: value})
    assert response.status_code == 400
    assert response.json()["errors"][field] == [f"Must be {FIELDS[field]}."]
    assert Lead.objects.count() == 0


def test_api_refuses_unknown_fields_listing_the_allowed_ones(post_api):
    response = post_api(favourite_colour="blue")
    assert response.status_code == 400
    assert "Allowed fields" in response.json()["errors"]["favourite_colour"][0]
    assert Lead.objects.count() == 0


def test_api_refuses_consent_false(post_api):
    response = post_api(consent=False)
    assert response.status_code == 400
    assert "consent" in response.json()["errors"]


def test_api_body_over_16kb_is_413_even_with_valid_json(post_api):
    body = json.dumps({"name": "A", "message": "x" * 20_000}).encode()
    assert post_api(raw=body).status_code == 413


def test_message_may_span_lines_and_phone_is_normalised(post_api):
    response = post_api(message="Line one\r\nLine two", phone="408.555.0142")
    assert response.status_code == 201
    lead = Lead.objects.get()
    assert lead.phone == "+14085550142"
    assert lead.message == "Line one\r\nLine two"


def test_email_preference_needs_no_phone(post_api):
    assert post_api(phone=..., preferred_contact="email").status_code == 201


# Property-based: whatever arrives, the answer is never a 500 -----------------------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=5,
)
field_names = st.sampled_from(sorted(FIELDS)) | st.text(max_size=12)
PROPERTY_SETTINGS = hypothesis_settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def no_rate_limit(settings):
    settings.LEADS_RATE_LIMIT = 0


@PROPERTY_SETTINGS
@given(payload=st.dictionaries(field_names, json_values, max_size=8))
def test_api_never_answers_500_to_any_json_object(client, no_rate_limit, payload):
    response = client.post(
        "/api/v2/leads/", data=json.dumps(payload), content_type="application/json"
    )
    assert response.status_code in {201, 400}


@PROPERTY_SETTINGS
@given(body=st.binary(max_size=300))
def test_api_never_answers_500_to_any_bytes(client, no_rate_limit, body):
    response = client.post("/api/v2/leads/", data=body, content_type="application/json")
    # The test client sends no Content-Type with an empty body: that is a 415.
    assert response.status_code in ({201, 400} if body else {415})


@PROPERTY_SETTINGS
@given(data=st.dictionaries(st.sampled_from(sorted(FIELDS)), st.text(max_size=300), max_size=10))
def test_form_never_raises_and_html_entry_never_answers_500(client, no_rate_limit, data):
    form = LeadForm(data)
    form.is_valid()
    response = client.post("/consultation/", data, headers={"Origin": "http://testserver"})
    assert response.status_code in {302, 400}


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_api_refuses_a_lone_surrogate_in_any_text_field_naming_it(field, post_api):
    """A JavaScript client that cuts text mid-emoji sends half a surrogate pair."""
    response = post_api(raw=json.dumps({**api_payload(), field: "A \ud800 B"}).encode())
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert Lead.objects.count() == 0


@pytest.mark.parametrize("field", TEXT_FIELDS)
def test_html_form_never_answers_500_to_a_lone_surrogate_in_any_field(field, client, settings):
    """A form body with a lone surrogate's bytes: decoded as a replacement character."""
    settings.LEADS_RATE_LIMIT = 0
    fields = {**form_data(), field: "A \ud800 B"}
    body = "&".join(
        f"{quote(name)}={quote(str(value).encode('utf-8', 'surrogatepass'))}"
        for name, value in fields.items()
    )
    response = client.post(
        "/consultation/",
        data=body,
        content_type="application/x-www-form-urlencoded",
        headers={"Origin": "http://testserver"},
    )
    assert response.status_code in {302, 400}
