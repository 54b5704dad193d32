"""Reusable calls to action: edit once, change everywhere; the admin shows where each is used."""

import pytest
from django.urls import reverse
from wagtail.models import Site

from home.blocks import CallToActionBlock, ImageBlock, PageChooserBlock
from home.models import PracticeSettings
from tests.blog.factories import (
    make_article,
    make_contact_page,
    make_cta,
    make_image,
    make_index,
    make_site,
    make_standard_page,
)


@pytest.fixture
def home(db):
    return make_site()


def practice() -> PracticeSettings:
    return PracticeSettings.for_site(Site.objects.get(is_default_site=True))


def test_editing_a_cta_changes_every_page_that_uses_it(client, home):
    cta = make_cta(heading="Talk to us")
    index = make_index(home)
    pages = [make_article(index, body=[("cta", {"snippet": cta.pk})]) for _ in range(2)]
    cta.heading = "Talk to a therapist this week"
    cta.save()
    for page in pages:
        assert "Talk to a therapist this week" in client.get(page.url).content.decode()


def test_admin_usage_view_lists_pages_using_a_cta(admin_client, home):
    cta = make_cta()
    article = make_article(
        make_index(home), title="Uses the CTA", body=[("cta", {"snippet": cta.pk})]
    )
    response = admin_client.get(reverse("wagtailsnippets_home_calltoaction:usage", args=[cta.pk]))
    assert response.status_code == 200
    assert article.title in response.content.decode()


@pytest.mark.parametrize(
    ("action", "expected_href", "expected_label"),
    [
        ("call", "tel:+14085550142", "Call (408) 555-0142"),
        ("booking", "https://booking.example/test", "Book a free consultation"),
        ("form", "/contact/#consultation-form", "Request a free consultation"),
        ("page", "/about/", "About"),
    ],
)
def test_cta_actions_link_from_practice_settings(
    client, home, action, expected_href, expected_label
):
    make_contact_page(home)
    about = make_standard_page(home)
    cta = make_cta(action=action, link_page=about if action == "page" else None)
    article = make_article(make_index(home), body=[("cta", {"snippet": cta.pk})])
    html = client.get(article.url).content.decode()
    assert f'href="{expected_href}">{expected_label}</a>' in html


def test_inline_cta_for_a_one_off(client, home):
    body = [
        (
            "cta",
            {
                "snippet": None,
                "heading": "Pick a time online",
                "text": "",
                "action": "booking",
                "button_label": "See times",
                "emphasis": "quiet",
            },
        )
    ]
    article = make_article(make_index(home), body=body)
    html = client.get(article.url).content.decode()
    assert "Pick a time online" in html
    assert 'href="https://booking.example/test">See times</a>' in html


def test_header_shows_the_default_cta_else_a_call_button(client, home):
    html = client.get("/").content.decode()
    assert 'class="header-cta" href="tel:+14085550142">Call for a free consultation' in html
    settings = practice()
    settings.default_cta = make_cta(action="booking", button_label="Book online")
    settings.save()
    html = client.get("/").content.decode()
    assert 'class="header-cta" href="https://booking.example/test">Book online' in html


def test_footer_shows_privacy_policy_social_links_and_copyright(client, home):
    settings = practice()
    settings.privacy_policy_page = make_standard_page(home, slug="privacy", title="Privacy")
    settings.footer_text = "Licensed in California."
    settings.save()
    html = client.get("/").content.decode()
    assert '<a href="/privacy/">Privacy policy</a>' in html
    assert 'href="https://li.example/p"' in html
    assert "Licensed in California." in html
    assert "&copy;" in html


def test_api_representations_expand_images_pages_and_snippets(home):
    image = make_image(description="Two chairs")
    about = make_standard_page(home)
    image_repr = ImageBlock().get_api_representation(
        ImageBlock().to_python({"image": image.pk, "alt_text": "Chairs", "decorative": False})
    )
    assert image_repr["image"]["alt"] == "Chairs"
    assert image_repr["image"]["width"] == 800
    assert set(image_repr["image"]["renditions"]) == {"small", "medium", "large", "social"}

    assert PageChooserBlock().get_api_representation(about) == {
        "id": about.pk,
        "title": "About",
        "url": "/about/",
    }

    cta = make_cta(action="page", link_page=about, heading="Read about us")
    block = CallToActionBlock()
    value = block.to_python({"snippet": cta.pk})
    snippet = block.get_api_representation(value)["snippet"]
    assert snippet["id"] == cta.pk
    assert snippet["heading"] == "Read about us"
    assert snippet["page"] == {"id": about.pk, "title": "About", "url": "/about/"}
    assert snippet["button"] == {"href": "/about/", "label": "About"}
    assert "name" not in snippet
