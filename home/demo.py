"""Demo content in our own words: the home page, practice settings, CTAs, About, Privacy, Contact.

`manage.py load_demo_content` calls `load()` in each app's `demo` module, in INSTALLED_APPS order.
Everything is looked up by a stable key (slug, name, title), so loading twice changes nothing.
Images are drawn locally with Pillow: nothing is downloaded.
"""

from __future__ import annotations

import io
import math

from django.core.files.images import ImageFile
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model
from wagtail.models import Page, Site

from .models import CallToAction, ContactPage, HomePage, PracticeSettings, StandardPage

DEMO_PRACTICE = {
    "practice_name": "Willow Creek Counselling",
    "phone": "(408) 555-0142",
    "email": "hello@willowcreek.example",
    "crisis_notice": (
        "If you are in crisis or thinking about harming yourself, call or text 988 "
        "(Suicide & Crisis Lifeline), or call 911."
    ),
}
DEMO_DETAILS = {
    "street_address": "1200 Example Avenue, Suite 4",
    "locality": "San Jose",
    "region": "CA",
    "postal_code": "95110",
    "country": "US",
    "service_area": "In person in San Jose; by secure video anywhere in California.",
    "booking_url": "https://booking.example/willow-creek",
    "footer_text": (
        "Couples and individual therapy for people rebuilding trust. Our therapists are "
        "licensed by the California Board of Behavioral Sciences."
    ),
    "organisation_type": "MedicalBusiness",
}
DEMO_SOCIAL = [
    ("psychology_today", "https://www.psychologytoday.example/willow-creek"),
    ("linkedin", "https://www.linkedin.example/company/willow-creek-counselling"),
    ("youtube", "https://video.example/@willowcreek"),
]

HOME_INTRO = (
    "<p>Couples and individual counselling in a calm, private setting. We help partners "
    "rebuild trust, talk without fighting and find their way back to each other.</p>"
)

CTA_CALL = {
    "name": "Free consultation by phone",
    "heading": "Talk it through with someone who understands",
    "text": (
        "Call for a free, confidential 15-minute consultation. No pressure and no waiting list."
    ),
    "action": "call",
    "button_label": "",
    "emphasis": "strong",
}
CTA_FORM = {
    "name": "Free consultation request",
    "heading": "Book a free consult: free, secure and private",
    "text": "Tell us a little about what is going on and we will get back to you within one "
    "working day.",
    "action": "form",
    "button_label": "Request a free consultation",
    "emphasis": "standard",
}

PRIVACY_BODY = [
    ("heading", {"text": "What the contact form collects", "level": "h2"}),
    (
        "paragraph",
        "<p>When you ask for a consultation we collect your name, how to reach you (email "
        "and/or phone), your preferred way and time to be contacted, and the message you "
        "choose to write. We also note which page you sent it from and when, so we can "
        "answer in context.</p>",
    ),
    ("heading", {"text": "Why we collect it", "level": "h2"}),
    (
        "paragraph",
        "<p>Only to answer your request and arrange a first conversation. We do not sell "
        "or share it, we do not add you to a mailing list, and we do not use advertising "
        "or tracking tools on this site.</p>",
    ),
    ("heading", {"text": "How long we keep it", "level": "h2"}),
    (
        "paragraph",
        "<p>Consultation requests are deleted automatically 180 days after they arrive. "
        "Requests marked as spam, and requests that are closed, are deleted sooner. If you "
        "become a client, your clinical records are kept separately under California law.</p>",
    ),
    ("heading", {"text": "What this site counts", "level": "h2"}),
    (
        "paragraph",
        "<p>Our own server counts how many times each page is read each day, what kind of "
        "link led there (a search engine, a social network, another site, one of our own "
        "campaign links, or none), and how often the buttons to call, book or ask for a "
        "consultation are pressed. It stores no cookie, no IP address, no browser details and "
        "no identifier: the counts say how many, never who, and are never linked to a "
        "consultation request or to you. They stay on our server, are shared with no one and "
        "are deleted after 25 months. If your browser sends Do Not Track or Global Privacy "
        "Control, nothing is counted for you.</p>",
    ),
    ("heading", {"text": "Spam protection (reCAPTCHA)", "level": "h2"}),
    (
        "paragraph",
        "<p>When spam protection is switched on, the form uses Google reCAPTCHA, which "
        "checks that a person rather than a program is sending it. reCAPTCHA loads only on "
        "pages with the form and sends information about your browser to Google under "
        "Google's privacy policy and terms.</p>",
    ),
    ("heading", {"text": "Your choices", "level": "h2"}),
    (
        "paragraph",
        "<p>You can ask us what we hold about you, or ask us to delete your request at any "
        "time, by email or phone. Please do not send urgent or crisis information through "
        "the form: call or text 988, or call 911.</p>",
    ),
]

ABOUT_BODY = [
    ("heading", {"text": "How we work", "level": "h2"}),
    (
        "paragraph",
        "<p>Willow Creek is a small practice. You will always speak with a licensed "
        "therapist, never a call centre. We work with couples and with individuals, in "
        "person in San Jose and by secure video across California.</p>",
    ),
    (
        "key_points",
        {
            "heading": "What you can expect",
            "items": [
                {"term": "A free first call", "text": "<p>Fifteen minutes to see if we fit.</p>"},
                {"term": "Clear fees", "text": "<p>Agreed before the first session.</p>"},
                {"term": "Privacy", "text": "<p>What you share stays in the room.</p>"},
            ],
        },
    ),
]


def demo_image(title: str, hue: int, size: tuple[int, int] = (1600, 900), description: str = ""):
    """A soft abstract picture drawn with Pillow (stored once, found again by title)."""
    Image = get_image_model()
    existing = Image.objects.filter(title=title).first()
    if existing is not None:
        return existing
    width, height = size
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        shade = y / height
        r = int(200 + 40 * math.sin(hue + shade))
        g = int(215 + 30 * math.cos(hue / 2 + shade))
        b = int(205 + 35 * math.sin(hue / 3 - shade))
        draw.line([(0, y), (width, y)], fill=(r % 256, g % 256, b % 256))
    for index in range(6):
        radius = (index + 2) * min(width, height) // 14
        cx = (index * 37 * (hue + 3)) % width
        cy = height // 2 + int(math.sin(index + hue) * height / 4)
        colour = (40 + (hue * 30) % 60, 110 + index * 10, 100 + (hue * 20) % 60)
        draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], outline=colour, width=6)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=82)
    filename = f"{title.lower().replace(' ', '-')[:40]}.jpg"
    image = Image(title=title, description=description or title)
    image.file = ImageFile(buffer, name=filename)
    image.save()
    return image


def _stream(items):
    return [{"type": block_type, "value": value} for block_type, value in items]


def _child_page(parent: Page, model, slug: str, **fields):
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is not None:
        return page
    page = model(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def load_home() -> HomePage:
    """The home page at the site root, replacing Wagtail's placeholder welcome page."""
    root = Page.get_first_root_node()
    home = HomePage.objects.child_of(root).first()
    if home is None:
        placeholder = Page.objects.child_of(root).filter(slug="home").first()
        if placeholder is not None and placeholder.specific_class is Page:
            placeholder.delete()
        home = HomePage(title="Welcome", slug="home", intro=HOME_INTRO, seo_title="")
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True, root_page=home)
    site.root_page = home
    site.site_name = DEMO_PRACTICE["practice_name"]
    site.save()
    settings = PracticeSettings.for_site(site)
    if not settings.phone:
        for field, value in DEMO_PRACTICE.items():
            setattr(settings, field, value)
        settings.save()
    return home


def load_ctas() -> tuple[CallToAction, CallToAction]:
    call, _ = CallToAction.objects.get_or_create(name=CTA_CALL["name"], defaults=CTA_CALL)
    form, _ = CallToAction.objects.get_or_create(name=CTA_FORM["name"], defaults=CTA_FORM)
    return call, form


def load() -> None:
    home = load_home()
    call_cta, _form_cta = load_ctas()
    hero = demo_image("Willow Creek welcome", 1, description="Soft green and sand circles")
    if not home.body:
        home.hero_image = hero
        home.search_description = (
            "Couples and individual counselling in San Jose and online across California. "
            "Free, confidential first consultation."
        )
        home.body = _stream(
            [
                ("heading", {"text": "Help for couples after a betrayal", "level": "h2"}),
                (
                    "paragraph",
                    "<p>Discovering a partner's secret can turn your world upside down. "
                    "We offer a steady, non-judgemental place to make sense of it, whether "
                    "you stay together or not.</p>",
                ),
                ("cta", {"snippet": call_cta.pk}),
            ]
        )
        home.save_revision().publish()
    _child_page(
        home,
        StandardPage,
        "about",
        title="About the practice",
        intro="A small counselling practice for couples and individuals in San Jose.",
        body=_stream(ABOUT_BODY),
        show_in_menus=True,
    )
    privacy = _child_page(
        home,
        StandardPage,
        "privacy-policy",
        title="Privacy policy",
        intro="What the contact form collects, why, and how long we keep it.",
        body=_stream(PRIVACY_BODY),
    )
    contact = _child_page(
        home,
        ContactPage,
        "contact",
        title="Contact",
        intro="The first consultation is free, secure and private. Tell us how to reach you.",
        show_in_menus=True,
    )
    settings = PracticeSettings.for_site(Site.objects.get(is_default_site=True))
    if not settings.street_address:
        for field, value in DEMO_DETAILS.items():
            setattr(settings, field, value)
        settings.social_links = [
            ("link", {"network": network, "url": url, "label": ""}) for network, url in DEMO_SOCIAL
        ]
        settings.privacy_policy_page = privacy
        settings.contact_page = contact
        settings.default_cta = None
        settings.default_share_image = hero
        settings.save()
