"""Demo articles in our own words: an author, categories, and three articles using every block.

Runs after ``home.demo`` (INSTALLED_APPS order), so the home page, CTAs and settings exist.
"""

from __future__ import annotations

import datetime

from wagtail.models import Site

from home.demo import demo_image, load_ctas
from home.models import ServicePage, ServicePageRelated, TherapistPage

from .models import Author, BlogCategory, BlogIndexPage, BlogPage, BlogPageAuthor

AUTHOR = {
    "slug": "maya-ortega",
    "name": "Maya Ortega",
    "honorific": "Dr.",
    "credentials": "LMFT, CSAT, CPTT",
    "job_title": "Licensed Marriage & Family Therapist",
    "license_type": "LMFT",
    "license_number": "LMFT 000123",
    "license_state": "CA",
    "license_issuer": "California Board of Behavioral Sciences",
    "short_bio": (
        "<p>Dr. Maya Ortega is a licensed marriage and family therapist (fictional license "
        "LMFT 000123) who helps couples and individuals recover after infidelity and hidden "
        "addictions. She is a certified sex addiction therapist and partner trauma therapist.</p>"
    ),
    "long_bio": (
        "<p>Maya has worked with couples for fifteen years. Her approach is warm, direct and "
        "grounded in attachment research: first safety, then understanding, then repair.</p>"
    ),
}
CATEGORIES = [
    ("Betrayal trauma", "betrayal-trauma", "Understanding and healing after a partner's betrayal."),
    ("Couples therapy", "couples-therapy", "Working together on trust and communication."),
]


def _stream(items):
    return [{"type": block_type, "value": value} for block_type, value in items]


def article_one(image_id: int, call_cta: int, author_id: int) -> list:
    return _stream(
        [
            ("heading", {"text": "When the ground shifts", "level": "h2"}),
            (
                "paragraph",
                "<p>Finding out that a partner has kept a serious secret (an affair, a "
                "hidden debt, a compulsive habit) is not only painful. For many people it "
                "feels like a shock to the whole body. Sleep goes, concentration goes, and "
                "the past suddenly looks different.</p>",
            ),
            (
                "image",
                {
                    "image": image_id,
                    "alt_text": "Two mugs on a kitchen table in morning light",
                    "decorative": False,
                    "caption": "Many couples start by simply sitting down together again.",
                    "credit": "Willow Creek Counselling",
                },
            ),
            ("heading", {"text": "Common reactions", "level": "h2"}),
            (
                "key_points",
                {
                    "heading": "You may notice",
                    "items": [
                        {
                            "term": "Constant alertness",
                            "text": "<p>Checking, scanning and waiting for the next shock.</p>",
                        },
                        {
                            "term": "Replaying",
                            "text": "<p>Scenes and questions that come back uninvited.</p>",
                        },
                        {
                            "term": "Self-doubt",
                            "text": "<p>Wondering what you missed, or what you did wrong.</p>",
                        },
                    ],
                },
            ),
            (
                "quote",
                {
                    "quote": "Being betrayed by the person you trust most is a wound to the "
                    "attachment bond itself, not just to the relationship.",
                    "who": "Dr. Maya Ortega",
                    "role": "LMFT",
                    "source": "Willow Creek workshop notes",
                    "source_url": "",
                },
            ),
            ("heading", {"text": "Why it can feel like trauma", "level": "h3"}),
            (
                "paragraph",
                "<p>Your nervous system treats the discovery as a threat. These reactions are "
                "a sign that something important was broken, not a sign that you are "
                "overreacting.</p>",
            ),
            (
                "callout",
                {
                    "kind": "important",
                    "heading": "If you feel unsafe",
                    "text": "<p>If you are thinking about harming yourself, call or text 988 "
                    "now. You do not need to wait for an appointment.</p>",
                },
            ),
            ("cta", {"snippet": call_cta}),
            (
                "faq",
                {
                    "heading": "Questions people ask us",
                    "items": [
                        {
                            "question": "Do I have to decide whether to stay?",
                            "answer": "<p>No. Therapy can help you steady yourself first; "
                            "decisions can wait.</p>",
                        },
                        {
                            "question": "Can my partner come too?",
                            "answer": "<p>Yes, when you are ready. Many couples begin with "
                            "separate sessions.</p>",
                        },
                    ],
                },
            ),
            ("author_bio", {"author": author_id, "heading": "Written by"}),
        ]
    )


def article_two(form_cta: int) -> list:
    return _stream(
        [
            ("heading", {"text": "Trust is rebuilt in small pieces", "level": "h2"}),
            (
                "paragraph",
                "<p>There is no single conversation that repairs trust. It comes back "
                "through many small moments where words and actions match. Here is a "
                "sequence many couples find useful.</p>",
            ),
            (
                "steps",
                {
                    "heading": "Seven steps toward repair",
                    "steps": [
                        {"title": "Stop the harm", "text": "<p>End the secret behaviour.</p>"},
                        {"title": "Tell the truth", "text": "<p>Once, fully, with support.</p>"},
                        {"title": "Make room for feelings", "text": "<p>Anger and grief.</p>"},
                        {"title": "Agree on boundaries", "text": "<p>Write them down.</p>"},
                        {"title": "Look after yourselves", "text": "<p>Sleep, food, friends.</p>"},
                        {"title": "Understand the why", "text": "<p>Without excusing it.</p>"},
                        {"title": "Choose again", "text": "<p>Decide, together, what next.</p>"},
                    ],
                },
            ),
            (
                "embed",
                {
                    "url": "https://video.example/watch/rebuilding-trust",
                    "title": "A ten-minute talk on rebuilding trust",
                    "description": "A short, gentle introduction you can watch together.",
                },
            ),
            ("heading", {"text": "Ask for help early", "level": "h2"}),
            (
                "paragraph",
                "<p>Couples often wait years before asking for help. Starting sooner "
                "usually makes the work shorter and kinder.</p>",
            ),
            ("cta", {"snippet": form_cta}),
            (
                "consultation_form",
                {
                    "heading": "Ask for a free consultation",
                    "intro": "Free, secure and private. We usually reply within one working day.",
                },
            ),
        ]
    )


def article_three(image_id: int) -> list:
    return _stream(
        [
            ("heading", {"text": "Before you arrive", "level": "h2"}),
            (
                "paragraph",
                "<p>A first couples session is mostly about getting to know you both: what "
                "brought you here, what you hope for and what feels hard to say.</p>",
            ),
            (
                "image",
                {
                    "image": image_id,
                    "alt_text": "",
                    "decorative": True,
                    "caption": "",
                    "credit": "",
                },
            ),
            (
                "key_points",
                {
                    "heading": "",
                    "items": [
                        {"term": "", "text": "<p>Sessions last 50 minutes.</p>"},
                        {"term": "", "text": "<p>You can meet in person or by video.</p>"},
                    ],
                },
            ),
            (
                "callout",
                {
                    "kind": "tip",
                    "heading": "",
                    "text": "<p>Write down one thing you would like to be different in three "
                    "months. It is a good place to start.</p>",
                },
            ),
            (
                "cta",
                {
                    "snippet": None,
                    "heading": "Prefer to pick a time yourself?",
                    "text": "See open slots and book your free consultation online.",
                    "action": "booking",
                    "page": None,
                    "button_label": "See available times",
                    "emphasis": "quiet",
                },
            ),
            (
                "faq",
                {
                    "heading": "First session questions",
                    "items": [
                        {
                            "question": "What if my partner will not come?",
                            "answer": "<p>You can start on your own. It still helps.</p>",
                        }
                    ],
                },
            ),
        ]
    )


def load() -> None:
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    call_cta, form_cta = load_ctas()
    headshot = demo_image("Maya Ortega headshot", 4, (600, 600), "Maya Ortega smiling")
    author, _ = Author.objects.get_or_create(
        slug=AUTHOR["slug"], defaults={**AUTHOR, "headshot": headshot}
    )
    if not author.profile_links:
        author.profile_links = [
            (
                "link",
                {
                    "network": "psychology_today",
                    "url": "https://www.psychologytoday.example/maya-ortega",
                    "label": "",
                },
            )
        ]
        author.save()
    categories = {}
    for name, slug, description in CATEGORIES:
        categories[slug], _ = BlogCategory.objects.get_or_create(
            slug=slug, defaults={"name": name, "description": description}
        )

    index = BlogIndexPage.objects.child_of(home).first()
    if index is None:
        index = BlogIndexPage(
            title="Articles",
            slug="blog",
            intro="<p>Plain-language articles on trust, betrayal and repair.</p>",
            show_in_menus=True,
        )
        home.add_child(instance=index)
        index.save_revision().publish()

    mugs = demo_image("Two mugs on a table", 2, description="Two mugs on a kitchen table")
    path = demo_image("Path through the willows", 3, description="A path between trees")
    articles = [
        {
            "slug": "after-the-discovery",
            "title": "After the discovery: understanding betrayal trauma",
            "summary": "Why finding out about a partner's secret can feel like trauma, what "
            "reactions are common, and where healing starts.",
            "hero_image": mugs,
            "body": article_one(mugs.pk, call_cta.pk, author.pk),
            "date_published": datetime.date(2026, 9, 14),
            "last_reviewed": datetime.date(2026, 11, 2),
            "categories": ["betrayal-trauma"],
            "tags": ["betrayal", "trauma", "infidelity"],
        },
        {
            "slug": "rebuilding-trust",
            "title": "Rebuilding trust, one conversation at a time",
            "summary": "Seven practical steps couples use to rebuild trust after a breach, "
            "and why starting early helps.",
            "hero_image": path,
            "body": article_two(form_cta.pk),
            "date_published": datetime.date(2026, 10, 5),
            "last_reviewed": None,
            "categories": ["betrayal-trauma", "couples-therapy"],
            "tags": ["trust", "repair"],
        },
        {
            "slug": "your-first-couples-session",
            "title": "What to expect from your first couples session",
            "summary": "What happens in a first couples therapy session, how long it takes "
            "and how to prepare.",
            "hero_image": None,
            "body": article_three(path.pk),
            "date_published": datetime.date(2026, 11, 1),
            "last_reviewed": None,
            "categories": ["couples-therapy"],
            "tags": ["first session"],
        },
    ]
    for data in articles:
        if BlogPage.objects.child_of(index).filter(slug=data["slug"]).exists():
            continue
        page = BlogPage(
            slug=data["slug"],
            title=data["title"],
            summary=data["summary"],
            hero_image=data["hero_image"],
            body=data["body"],
            date_published=data["date_published"],
            last_reviewed=data["last_reviewed"],
        )
        page.categories = [categories[slug] for slug in data["categories"]]
        page.article_authors = [BlogPageAuthor(author=author)]
        index.add_child(instance=page)
        page.tags.add(*data["tags"])
        page.save_revision().publish()
    link_practice_site(author, index)


SERVICE_ARTICLES = {
    "betrayal-trauma": "betrayal-trauma",
    "couples-therapy": "couples-therapy",
}


def link_practice_site(author: Author, index: BlogIndexPage) -> None:
    """The author box links to the therapist's profile; services list articles on their topic."""
    profile = TherapistPage.objects.filter(slug=AUTHOR["slug"]).first()
    if profile is not None and author.profile_page_id is None:
        author.profile_page = profile
        author.save()
    for service in ServicePage.objects.filter(slug__in=SERVICE_ARTICLES):
        if service.related_links.exists():
            continue
        articles = BlogPage.objects.child_of(index).filter(
            categories__slug=SERVICE_ARTICLES[service.slug]
        )
        service.related_links = [
            ServicePageRelated(article=article) for article in articles.order_by("pk")[:3]
        ]
        service.save_revision().publish()
