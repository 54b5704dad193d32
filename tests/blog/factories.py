"""Builders for content tests: a site with practice settings, images, authors, CTAs, articles."""

from __future__ import annotations

import datetime
import io
import itertools

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import Site

from blog.models import Author, BlogCategory, BlogIndexPage, BlogPage, BlogPageAuthor
from home.demo import load_home
from home.models import CallToAction, ContactPage, PracticeSettings, StandardPage

_counter = itertools.count(1)

LICENSE_NUMBER = "LMFT 000777"


def make_image(title: str = "", size: tuple[int, int] = (800, 600), description: str = ""):
    ensure_wagtail_tree()
    number = next(_counter)
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (40 + number % 200, 120, 110)).save(buffer, format="PNG")
    image = get_image_model()(
        title=title or f"Test image {number}", description=description or f"Picture {number}"
    )
    image.file = ImageFile(buffer, name=f"test-{number}.png")
    image.save()
    return image


def ensure_wagtail_tree() -> None:
    """Wagtail's locale, root collection and root page, which a transactional test's flush drops."""
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    if not Page.objects.exists():
        Page.add_root(instance=Page(title="Root", slug="root"))


def make_site(**settings_fields):
    """The home page as the default site's root, with the demo practice's contact details."""
    ensure_wagtail_tree()
    home = load_home()
    practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    defaults = {
        "street_address": "1 Test Street",
        "locality": "San Jose",
        "region": "CA",
        "postal_code": "95110",
        "booking_url": "https://booking.example/test",
        "service_area": "California",
    }
    for field, value in {**defaults, **settings_fields}.items():
        setattr(practice, field, value)
    practice.social_links = [("link", {"network": "linkedin", "url": "https://li.example/p"})]
    practice.save()
    return home


def make_contact_page(home):
    page = ContactPage(title="Contact", slug="contact", intro="Reach us.")
    home.add_child(instance=page)
    page.save_revision().publish()
    practice = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    practice.contact_page = page
    practice.save()
    return page


def make_standard_page(home, slug="about", **fields):
    page = StandardPage(title=fields.pop("title", "About"), slug=slug, **fields)
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def make_index(home) -> BlogIndexPage:
    index = BlogIndexPage(title="Articles", slug="blog", intro="<p>Our articles.</p>")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def make_author(**fields) -> Author:
    number = next(_counter)
    defaults = {
        "name": f"Alex Rivera {number}",
        "slug": f"alex-rivera-{number}",
        "honorific": "Dr.",
        "credentials": "LMFT, CPTT",
        "job_title": "Licensed Marriage & Family Therapist",
        "license_type": "LMFT",
        "license_number": LICENSE_NUMBER,
        "license_state": "CA",
        "license_issuer": "California Board of Behavioral Sciences",
        "short_bio": "<p>Alex helps couples rebuild trust.</p>",
        "headshot": make_image(size=(300, 300)),
    }
    return Author.objects.create(**{**defaults, **fields})


def make_cta(**fields) -> CallToAction:
    number = next(_counter)
    defaults = {
        "name": f"Call us {number}",
        "heading": "Call for a free consultation",
        "text": "Free and private.",
        "action": "call",
    }
    return CallToAction.objects.create(**{**defaults, **fields})


def make_category(name: str = "") -> BlogCategory:
    number = next(_counter)
    name = name or f"Topic {number}"
    return BlogCategory.objects.create(name=name, slug=f"topic-{number}")


def every_block(image, cta, author, page=None) -> list[tuple[str, object]]:
    """One of each article block, as raw stream data."""
    return [
        ("heading", {"text": "First section", "level": "h2", "anchor": ""}),
        ("paragraph", "<p>A paragraph of body text.</p>"),
        (
            "image",
            {"image": image.pk, "alt_text": "A calm room", "decorative": False, "caption": "Cap"},
        ),
        ("key_points", {"heading": "Points", "items": [{"term": "Lead", "text": "<p>Why.</p>"}]}),
        ("steps", {"heading": "Steps", "steps": [{"title": "Begin", "text": "<p>Now.</p>"}]}),
        ("quote", {"quote": "Words of wisdom.", "who": "A. Expert", "source": "A book"}),
        ("callout", {"kind": "tip", "heading": "Tip", "text": "<p>Breathe.</p>"}),
        ("embed", {"url": "https://video.example/v/1", "title": "A talk"}),
        (
            "faq",
            {"heading": "FAQ", "items": [{"question": "Is it free?", "answer": "<p>Yes.</p>"}]},
        ),
        ("cta", {"snippet": cta.pk}),
        ("author_bio", {"author": author.pk, "heading": "About the author"}),
        ("consultation_form", {"heading": "Ask us", "intro": "Free."}),
        (
            "table",
            {"caption": "Fees", "header_row": True, "rows": [["Session", "Fee"], ["One", "$1"]]},
        ),
        ("code", {"text": "two  spaces\nkept"}),
        (
            "gallery",
            {"images": [{"image": image.pk, "alt_text": "A calm room", "caption": "Room"}]},
        ),
    ]


def make_article(index, *, body=None, authors=(), categories=(), tags=(), **fields) -> BlogPage:
    number = next(_counter)
    page = BlogPage(
        title=fields.pop("title", f"Article {number}"),
        slug=fields.pop("slug", f"article-{number}"),
        summary=fields.pop("summary", f"Summary of article {number}."),
        body=[{"type": t, "value": v} for t, v in (body or [("paragraph", "<p>Text.</p>")])],
        date_published=fields.pop("date_published", datetime.date(2026, 1, 1)),
        **fields,
    )
    page.article_authors = [BlogPageAuthor(author=author) for author in authors]
    page.categories = list(categories)
    index.add_child(instance=page)
    if tags:
        page.tags.add(*tags)
    page.save_revision().publish()
    page.refresh_from_db()
    return page
