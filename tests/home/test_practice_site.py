"""The practice site a visitor judges at first sight: therapist profile, services, fees, hours,
the practice's colour, structured data, and fees and hours edited once by an editor."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import nested_form_data, streamfield

from home.blocks import HomeStreamBlock, OpeningHoursBlock
from home.models import PracticeSettings
from tests import staff
from tests.structured_data import extract_json_ld, schema_org_problems, types_in

pytestmark = pytest.mark.django_db

PROFILE = "/team/maya-ortega/"
SERVICE = "/services/couples-therapy/"
ARTICLE = "/blog/after-the-discovery/"


@pytest.fixture
def demo(db):
    call_command("load_demo_content", stdout=open(os.devnull, "w"))  # noqa: SIM115


def practice() -> PracticeSettings:
    return PracticeSettings.for_site(Site.objects.get(is_default_site=True))


def html_of(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.content.decode()


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/", {"MedicalBusiness", "OpeningHoursSpecification", "PostalAddress", "BreadcrumbList"}),
        (PROFILE, {"MedicalBusiness", "Person", "EducationalOccupationalCredential"}),
        (SERVICE, {"MedicalBusiness", "Service"}),
    ],
)
def test_structured_data_validates_against_schema_org(client, demo, path, expected):
    documents = extract_json_ld(html_of(client, path))
    assert len(documents) == 1
    assert schema_org_problems(documents[0]) == []
    assert expected <= types_in(documents[0])


def test_the_validator_refuses_invented_terms_and_missing_essentials():
    document = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "MedicalBusiness", "name": "A", "telefone": "+1", "address": "B"},
            {"@type": "Therapist", "name": "C"},
        ],
    }
    problems = schema_org_problems(document)
    assert "https://schema.org/telefone is not a schema.org property" in problems
    assert "https://schema.org/Therapist is not a schema.org type" in problems
    assert any("has no telephone" in problem for problem in problems)


PRACTICE_ID = "https://practice.example/#practice"
HOURS = {"@type": "OpeningHoursSpecification", "dayOfWeek": "https://schema.org/Monday"}


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (
            {"@type": "Person", "@id": "https://practice.example/#maya", "name": "Maya"},
            [],
        ),
        (
            {
                "@type": "Person",
                "@id": "https://practice.example/#maya",
                "name": "Maya",
                "priceRange": "$$",
            },
            [
                "priceRange is used on Person https://practice.example/#maya, but schema.org "
                "puts it on LocalBusiness"
            ],
        ),
        (
            {
                "@type": "MedicalBusiness",
                "@id": PRACTICE_ID,
                "name": "A",
                "address": "B",
                "telephone": {
                    "@type": "Service",
                    "name": "Couples therapy",
                    "provider": {"@id": PRACTICE_ID},
                },
            },
            [
                "telephone of MedicalBusiness https://practice.example/#practice is a Service "
                "node, but schema.org expects Text"
            ],
        ),
        (
            {
                **HOURS,
                "@id": "https://practice.example/#hours",
                "dayOfWeek": "Funday",
                "opens": "09:00",
                "closes": "17:00",
            },
            [
                "dayOfWeek of OpeningHoursSpecification https://practice.example/#hours is "
                "'Funday', but schema.org expects DayOfWeek"
            ],
        ),
        (
            {
                **HOURS,
                "@id": "https://practice.example/#hours",
                "opens": "nope",
                "closes": "17:00:00",
            },
            [
                "opens of OpeningHoursSpecification https://practice.example/#hours is 'nope', "
                "but schema.org expects Time"
            ],
        ),
        (
            {"@id": "https://practice.example/#someone", "name": "Maya"},
            ["name is used on https://practice.example/#someone, a node with no @type"],
        ),
    ],
    ids=["valid", "property-off-its-type", "node-for-text", "invented-day", "bad-time", "untyped"],
)
def test_the_validator_refuses_properties_off_their_types_and_values_out_of_range(node, expected):
    assert schema_org_problems({"@context": "https://schema.org", "@graph": [node]}) == expected


def test_practice_json_ld_has_hours_price_range_and_phone(client, demo):
    graph = extract_json_ld(html_of(client, "/"))[0]["@graph"]
    business = next(node for node in graph if node["@type"] == "MedicalBusiness")
    assert business["telephone"] == "+14085550142"
    assert business["priceRange"] == "$180-$600"
    assert business["areaServed"]
    assert {
        "dayOfWeek": "https://schema.org/Monday",
        "opens": "09:00",
        "closes": "18:00",
    }.items() <= (business["openingHoursSpecification"][0].items())


def test_profile_shows_license_with_board_lookup_and_session_formats(client, demo):
    html = html_of(client, PROFILE)
    assert "Dr. Maya Ortega, LMFT, CSAT, CPTT" in html
    assert "CA license LMFT 000123" in html
    assert 'href="https://search.dca.ca.gov/"' in html
    assert "Accepting new clients" in html
    assert "Video (licensed in CA)" in html
    assert "Spanish" in html


def test_article_author_box_links_to_the_profile_and_shares_its_person(client, demo):
    html = html_of(client, ARTICLE)
    assert f'<a href="{PROFILE}">Full profile of Dr. Maya Ortega</a>' in html
    people = [n for n in extract_json_ld(html)[0]["@graph"] if n["@type"] == "Person"]
    assert people[0]["@id"] == f"http://localhost{PROFILE}#person"
    assert people[0]["url"] == f"http://localhost{PROFILE}"


def test_service_page_has_sections_fees_related_articles_and_booking(client, demo):
    html = html_of(client, SERVICE)
    for heading in ("What it is", "Who it is for", "What to expect", "Related articles"):
        assert f">{heading}</h2>" in html
    assert "$240" in html
    assert 'href="https://booking.example/willow-creek"' in html
    assert "What to expect from your first couples session" in html


def test_home_page_reaches_profile_services_fees_and_booking(client, demo):
    html = html_of(client, "/")
    assert f'href="{PROFILE}"' in html
    assert f'href="{SERVICE}"' in html
    assert 'class="header-book" href="https://booking.example/willow-creek"' in html
    assert "Free 15-minute phone consultation" in html
    assert "Out of network" in html or "out of network" in html
    assert "Map to Willow Creek" not in html  # the map's alt text is its description
    assert "the office is on Example Avenue" in html
    assert "988" in html


def test_there_is_no_testimonial_block_and_the_editor_guide_says_why():
    names = set(HomeStreamBlock().child_blocks)
    assert not {name for name in names if "testimonial" in name or "review" in name}
    guide = (Path(__file__).parents[2] / "docs" / "editor-guide.md").read_text().lower()
    assert "testimonial" in guide
    assert "ethic" in guide


def test_brand_colour_with_poor_contrast_is_refused_and_a_good_one_is_served(client, demo):
    settings = practice()
    settings.brand_colour = "#7fc4bd"
    with pytest.raises(ValidationError) as refused:
        settings.full_clean()
    assert "contrast" in str(refused.value)
    settings.brand_colour = "#5b2a86"
    settings.full_clean()
    settings.save()
    html = html_of(client, "/")
    assert 'href="/brand.css?v=5b2a86"' in html
    css = client.get("/brand.css?v=5b2a86")
    assert css["Content-Type"].startswith("text/css")
    assert b"--accent: #5b2a86" in css.content


def test_closing_before_opening_is_refused():
    block = OpeningHoursBlock()
    value = block.to_python({"day": "Monday", "opens": "17:00", "closes": "09:00"})
    with pytest.raises(ValidationError):
        block.clean(value)


def test_api_describes_profiles_services_and_practice_basics(client, demo):
    therapists = client.get("/api/v2/pages/?type=home.TherapistPage&fields=*").json()["items"]
    assert therapists[0]["specialties"][0] == "Betrayal trauma"
    assert therapists[0]["license_lookup_url"] == "https://search.dca.ca.gov/"
    service = client.get("/api/v2/pages/?type=home.ServicePage&slug=couples-therapy").json()
    detail = client.get(f"/api/v2/pages/{service['items'][0]['id']}/").json()
    assert detail["call_to_action"]["button"]["href"] == "https://booking.example/willow-creek"
    assert detail["related_articles"][0]["url"].startswith("/blog/")
    basics = client.get("/api/v2/practice/").json()
    assert basics["fees"][0]["value"]["price"] == 180
    assert basics["opening_hours"][0]["value"] == {
        "day": "Monday",
        "opens": "09:00",
        "closes": "18:00",
    }
    assert basics["booking_cta"]["href"] == "https://booking.example/willow-creek"
    author = client.get("/api/v2/authors/").json()["items"][0]
    assert author["profile_url"] == PROFILE


def test_an_editor_changes_fees_and_hours_once_and_every_page_shows_them(client, demo):
    shows_fees = ["/", SERVICE, "/services/", "/contact/"]
    shows_hours = ["/", "/contact/"]
    # A visitor has seen every page first: what the content cache keeps must not outlive the edit.
    for _ in range(2):
        for path in shows_fees:
            assert "$180" in html_of(client, path), path
        for path in shows_hours:
            assert "Monday" in html_of(client, path), path
    assert client.get("/")["X-Cache"] == "hit"
    assert client.get("/api/v2/practice/").json()["price_range"] != "$190-$265"
    editor = get_user_model().objects.create_user("editor", "editor@example.org", "pw")
    editor.groups.add(Group.objects.get(name="Editors"))
    staff.sign_in(client, editor)
    site = Site.objects.get(is_default_site=True)
    url = reverse("wagtailsettings:edit", args=["home", "practicesettings", site.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert 'name="phone"' not in form.content.decode()  # contact details stay with superusers
    data = nested_form_data(
        {
            "free_consultation": "Free 20-minute video consultation",
            "fees": streamfield(
                [
                    (
                        "fee",
                        {
                            "session_type": "Couples therapy",
                            "minutes": 80,
                            "price": 265,
                            "note": "",
                        },
                    ),
                    (
                        "fee",
                        {"session_type": "Individual therapy", "minutes": 50, "price": 190},
                    ),
                ]
            ),
            "sliding_scale": "",
            "insurance": "Out of network; ask us for a superbill.",
            "superbills": "on",
            "cancellation_policy": "24 hours' notice, please.",
            "opening_hours": streamfield(
                [("hours", {"day": "Saturday", "opens": "10:00", "closes": "14:00"})]
            ),
            "directions": "Enter from the courtyard.",
            "parking_accessibility": "Step-free entrance.",
            "phone": "(999) 555-0000",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.logout()
    assert practice().phone == "(408) 555-0142"
    for path in shows_fees:
        html = html_of(client, path)
        assert "$265" in html and "$190" in html, path
        assert "$180" not in html, path
        assert "Free 20-minute video consultation" in html, path
    for path in shows_hours:
        html = html_of(client, path)
        assert "Saturday" in html and "10:00 AM to 2:00 PM" in html, path
        assert "Monday" not in html, path
    basics = client.get("/api/v2/practice/").json()
    assert basics["price_range"] == "$190-$265"
    graph = extract_json_ld(html_of(client, "/"))[0]["@graph"]
    business = next(node for node in graph if node["@type"] == "MedicalBusiness")
    assert business["openingHoursSpecification"][0]["dayOfWeek"] == "https://schema.org/Saturday"


def test_home_page_queries_do_not_grow_with_service_and_therapist_cards(client, demo, settings):
    """Each card shows its page's image (a service's picture, a therapist's photo): loaded with the
    chosen pages, not one query per card (it was: 6 queries for the demo's 5 cards)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from home.models import HomePage, ServicePage, TherapistPage

    settings.CONTENT_CACHE = False  # every request renders the page

    def queries() -> int:
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/").status_code == 200
        return len(captured)

    home = HomePage.objects.get()
    before = queries()
    body = home.body
    for block in body:
        if block.block_type in ("services", "team"):
            model = ServicePage if block.block_type == "services" else TherapistPage
            chosen = block.value["services" if block.block_type == "services" else "therapists"]
            source = chosen[0]
            assert (source.image if model is ServicePage else source.photo) is not None
            for number in range(3):
                copy = source.copy(
                    update_attrs={
                        "slug": f"{source.slug}-{number}",
                        "title": f"{source.title} {number}",
                    },
                    keep_live=True,
                    log_action=None,
                )
                chosen.append(model.objects.get(pk=copy.pk))
    home.body = body
    home.save_revision().publish()
    html = client.get("/").content.decode()
    assert html.count('class="card therapist-card"') >= 4
    assert queries() == before
