"""An editor builds an article from every block in the Wagtail admin and publishes it."""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from blog.models import BlogPage
from tests.blog.factories import (
    make_author,
    make_category,
    make_contact_page,
    make_cta,
    make_image,
    make_index,
    make_site,
)


def list_block(items):
    """Form data for a ListBlock, in the shape Wagtail's admin posts."""
    data = {
        str(i): {"value": item, "deleted": "", "order": str(i), "id": ""}
        for i, item in enumerate(items)
    }
    data["count"] = str(len(items))
    return data


@pytest.fixture
def content(db):
    home = make_site()
    make_contact_page(home)
    return {
        "index": make_index(home),
        "image": make_image(),
        "author": make_author(),
        "cta": make_cta(heading="Ring the practice today"),
        "category": make_category("Betrayal trauma"),
    }


def article_post_data(content, **overrides):
    body = streamfield(
        [
            ("heading", {"text": "Understanding the wound", "level": "h2", "anchor": ""}),
            ("paragraph", rich_text("<p>Paragraph about <b>trust</b>.</p>")),
            (
                "image",
                {
                    "image": str(content["image"].pk),
                    "alt_text": "Two chairs facing each other",
                    "decorative": "",
                    "caption": "The therapy room",
                    "credit": "Staff photo",
                },
            ),
            (
                "key_points",
                {
                    "heading": "Signs to notice",
                    "items": list_block(
                        [{"term": "Hypervigilance", "text": rich_text("<p>Always on guard.</p>")}]
                    ),
                },
            ),
            (
                "steps",
                {
                    "heading": "Seven steps",
                    "steps": list_block(
                        [
                            {"title": "Acknowledge the pain", "text": rich_text("<p>a</p>")},
                            {"title": "Set boundaries", "text": rich_text("<p>b</p>")},
                        ]
                    ),
                },
            ),
            (
                "quote",
                {
                    "quote": "Healing takes time and support.",
                    "who": "Dr. Quoted Expert",
                    "role": "psychologist",
                    "source": "On Repair",
                    "source_url": "",
                },
            ),
            (
                "callout",
                {"kind": "important", "heading": "Crisis", "text": rich_text("<p>Call 988.</p>")},
            ),
            (
                "embed",
                {
                    "url": "https://video.example/watch/42",
                    "title": "A talk about repair",
                    "description": "",
                },
            ),
            (
                "faq",
                {
                    "heading": "Frequently asked questions",
                    "items": list_block(
                        [
                            {
                                "question": "Is the first call free?",
                                "answer": rich_text("<p>Yes, always.</p>"),
                            }
                        ]
                    ),
                },
            ),
            (
                "cta",
                {
                    "snippet": str(content["cta"].pk),
                    "heading": "",
                    "text": "",
                    "action": "",
                    "page": "",
                    "button_label": "",
                    "emphasis": "",
                },
            ),
            ("author_bio", {"author": str(content["author"].pk), "heading": "Written by"}),
            ("consultation_form", {"heading": "Ask for a consultation", "intro": "It is free."}),
            (
                "table",
                {
                    "caption": "Session fees",
                    "header_row": "on",
                    "rows": list_block(
                        [list_block(["Session", "Fee"]), list_block(["Couples", "$220"])]
                    ),
                },
            ),
            ("code", {"text": "Notice   Name\n  Need"}),
            (
                "gallery",
                {
                    "images": list_block(
                        [
                            {
                                "image": str(content["image"].pk),
                                "alt_text": "Garden bench",
                                "caption": "The garden",
                            }
                        ]
                    )
                },
            ),
        ]
    )
    data = nested_form_data(
        {
            "title": "Every block article",
            "slug": "every-block-article",
            "summary": "An article that uses every block.",
            "hero_image": str(content["image"].pk),
            "body": body,
            "article_authors": inline_formset([{"author": str(content["author"].pk)}]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
            "date_published": "2026-10-01",
            "last_reviewed": "2026-11-01",
            "tags": "betrayal, trust",
            "show_author_bios": "on",
            "show_table_of_contents": "on",
            "seo_title": "",
            "search_description": "",
            "social_image": "",
            "action-publish": "action-publish",
            **overrides,
        }
    )
    data["categories"] = [str(content["category"].pk)]
    return data


def test_editor_creates_and_publishes_an_article_with_every_block(admin_client, content):
    url = reverse("wagtailadmin_pages:add", args=("blog", "blogpage", content["index"].pk))
    assert admin_client.get(url).status_code == 200

    response = admin_client.post(url, article_post_data(content))

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    page = BlogPage.objects.get(slug="every-block-article")
    assert page.live
    assert [child.block_type for child in page.body] == [
        "heading", "paragraph", "image", "key_points", "steps", "quote", "callout", "embed",
        "faq", "cta", "author_bio", "consultation_form", "table", "code", "gallery",
    ]  # fmt: skip
    assert set(BlogPage.body.field.stream_block.child_blocks) == {
        child.block_type for child in page.body
    }

    html = _public_html(page)
    # heading with its anchor, and the table of contents linking to it
    assert '<h2 id="understanding-the-wound"' in html
    assert 'href="#understanding-the-wound"' in html
    assert "Paragraph about <b>trust</b>." in html
    assert 'alt="Two chairs facing each other"' in html
    assert "The therapy room" in html and "Staff photo" in html
    assert "<strong>Hypervigilance:</strong>" in html
    assert "Acknowledge the pain" in html and "Set boundaries" in html
    assert "Healing takes time and support." in html and "Dr. Quoted Expert" in html
    assert "callout--important" in html and "Call 988." in html
    assert 'href="https://video.example/watch/42"' in html
    assert "Is the first call free?" in html and "Yes, always." in html
    assert "Ring the practice today" in html and 'href="tel:+14085550142"' in html
    assert "Written by" in html and content["author"].license_number in html
    assert "Ask for a consultation" in html
    assert "Betrayal trauma" in html and "betrayal" in html
    assert "<caption>Session fees</caption>" in html and "<td>$220</td>" in html
    assert "Notice   Name\n  Need</code></pre>" in html
    assert 'alt="Garden bench"' in html and "The garden" in html


def body_errors(response) -> str:
    """The body's block-level error messages as the admin would show them."""
    error = response.context["form"].errors["body"].as_data()[0]
    return json.dumps(error.as_json_data())


def _public_html(page) -> str:
    from django.test import Client

    response = Client().get(page.url)
    assert response.status_code == 200
    return response.content.decode()


def test_image_needs_alt_text_unless_decorative(admin_client, content):
    url = reverse("wagtailadmin_pages:add", args=("blog", "blogpage", content["index"].pk))
    data = article_post_data(content)
    data["body-2-value-alt_text"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not BlogPage.objects.filter(slug="every-block-article").exists()
    assert "Add alt text" in body_errors(response)

    data["body-2-value-decorative"] = "on"
    assert admin_client.post(url, data).status_code == 302
    page = BlogPage.objects.get(slug="every-block-article")
    assert page.body[2].value.alt() == ""


def test_inline_cta_needs_a_heading_and_action(admin_client, content):
    url = reverse("wagtailadmin_pages:add", args=("blog", "blogpage", content["index"].pk))
    data = article_post_data(content)
    data["body-9-value-snippet"] = ""
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "Choose a reusable CTA or write a heading." in body_errors(response)
