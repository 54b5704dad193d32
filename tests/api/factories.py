"""Content for API tests: a site with a home page, an article index and articles using every block.

Our own made-up words; images are small generated PNGs.
"""

from __future__ import annotations

import io
import itertools
import json
import uuid

from django.conf import settings
from django.core.files.images import ImageFile
from PIL import Image as PILImage
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale, Page, Site

from blog.models import Author, BlogCategory, BlogIndexPage, BlogPage, BlogPageAuthor
from home.models import CallToAction, HomePage

_counter = itertools.count(1)


def make_image(title: str = "Quiet room", width: int = 640, height: int = 480):
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (120, 160, 140)).save(buffer, format="PNG")
    image = get_image_model()(title=title, description=f"{title} (alt)")
    image.file = ImageFile(buffer, name=f"{uuid.uuid4().hex[:8]}.png")
    image.save()
    return image


def make_document(title: str = "Intake checklist"):
    from django.core.files.base import ContentFile

    document = get_document_model()(title=title)
    document.file = ContentFile(b"a checklist", name=f"{uuid.uuid4().hex[:8]}.txt")
    document.save()
    return document


def ensure_tree_roots() -> Page:
    """The rows Wagtail's migrations create, which a transactional test's flush removes."""
    from wagtail.models import Collection

    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node()
    if root is None:
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    return root


def make_site():
    """Home page at the default site's root and an article index under it."""
    root = ensure_tree_roots()
    home = HomePage.objects.first()
    if home is None:
        for page in Page.objects.child_of(root):
            if page.specific_class is Page:
                page.delete()
        home = HomePage(title="Welcome", slug="home", intro="<p>Hello.</p>")
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="testserver", port=80, is_default_site=True, root_page=home)
    site.root_page = home
    site.save()
    index = BlogIndexPage.objects.first()
    if index is None:
        index = BlogIndexPage(title="Articles", slug="articles", intro="<p>Reading.</p>")
        home.add_child(instance=index)
        index.save_revision().publish()
    return home, index


def make_author(**fields) -> Author:
    n = next(_counter)
    defaults = {
        "name": f"Robin Example {n}",
        "slug": f"robin-example-{n}",
        "credentials": "LMFT",
        "license_type": "LMFT",
        "license_number": f"LMFT {100000 + n}",
        "license_state": "CA",
        "short_bio": "<p>A couples therapist.</p>",
        "headshot": make_image("Headshot", 300, 300),
    }
    defaults.update(fields)
    return Author.objects.create(**defaults)


def make_cta(link_page=None) -> CallToAction:
    n = next(_counter)
    return CallToAction.objects.create(
        name=f"Call {n}",
        heading="Call for a free consultation",
        text="Free, secure and private.",
        action="call",
    )


def body_blocks(
    count: int, *, image, author, cta, link_page, document, kinds: tuple[str, ...] = ()
) -> list[dict]:
    """`count` blocks cycling through every article block type, with links and choosers."""
    paragraph = (
        f'<p>See <a linktype="page" id="{link_page.pk}">this page</a> and '
        f'<a linktype="document" id="{document.pk}">the checklist</a>.</p>'
    )
    kinds_all = [
        ("heading", {"text": "A section", "level": "h2", "anchor": ""}),
        ("paragraph", paragraph),
        (
            "image",
            {
                "image": image.pk,
                "alt_text": "Two chairs",
                "decorative": False,
                "caption": "",
                "credit": "",
            },
        ),
        ("key_points", {"heading": "Signs", "items": [{"term": "Sleep", "text": paragraph}]}),
        ("steps", {"heading": "", "steps": [{"title": "Begin", "text": paragraph}]}),
        (
            "quote",
            {
                "quote": "Go slowly.",
                "who": "A. Example",
                "role": "",
                "source": "",
                "source_url": "",
            },
        ),
        ("callout", {"kind": "tip", "heading": "Tip", "text": paragraph}),
        ("embed", {"url": "https://video.example/watch/1", "title": "A talk", "description": ""}),
        ("faq", {"heading": "FAQ", "items": [{"question": "Free?", "answer": paragraph}]}),
        (
            "cta",
            {
                "snippet": cta.pk,
                "heading": "",
                "text": "",
                "action": "",
                "page": None,
                "button_label": "",
                "emphasis": "",
            },
        ),
        (
            "cta",
            {
                "snippet": None,
                "heading": "Visit",
                "text": "",
                "action": "page",
                "page": link_page.pk,
                "button_label": "",
                "emphasis": "quiet",
            },
        ),
        ("author_bio", {"author": author.pk, "heading": "About the author"}),
        ("consultation_form", {"heading": "Ask", "intro": ""}),
        ("table", {"caption": "Fees", "header_row": True, "rows": [["Session", "Fee"]]}),
        ("code", {"text": "kept  as\nwritten"}),
        ("gallery", {"images": [{"image": image.pk, "alt_text": "Two chairs", "caption": "A"}]}),
    ]
    if kinds:
        kinds = [(kind, value) for kind, value in kinds_all if kind in set(kinds)]
    else:
        kinds = kinds_all
    blocks = []
    for i in range(count):
        kind, value = kinds[i % len(kinds)]
        if kind == "heading":
            value = {**value, "text": f"Section {i}"}
        blocks.append({"type": kind, "value": value, "id": str(uuid.uuid4())})
    return blocks


def make_article(
    index,
    *,
    blocks: int = 13,
    title: str | None = None,
    author=None,
    category=None,
    tags=("trust",),
    publish: bool = True,
    shared=None,
    kinds: tuple[str, ...] = (),
) -> BlogPage:
    """An article under `index` with `blocks` body blocks; `shared` reuses image/author/cta."""
    shared = shared or make_shared(index)
    n = next(_counter)
    author = author or shared["author"]
    page = BlogPage(
        title=title or f"Article {n}",
        slug=f"article-{n}",
        summary="A short summary.",
        hero_image=shared["image"],
        body=json.dumps(
            body_blocks(
                blocks,
                image=shared["image"],
                author=author,
                cta=shared["cta"],
                kinds=kinds,
                link_page=shared["link_page"],
                document=shared["document"],
            )
        ),
    )
    page.live = publish  # a page created in the admin stays a draft until published
    index.add_child(instance=page)
    page.article_authors.add(BlogPageAuthor(author=author))
    page.categories.add(category or shared["category"])
    for tag in tags:
        page.tags.add(tag)
    revision = page.save_revision()
    if publish:
        revision.publish()
    return page


def make_shared(index) -> dict:
    category = BlogCategory.objects.first() or BlogCategory.objects.create(
        name="Betrayal trauma", slug="betrayal-trauma"
    )
    return {
        "image": make_image(),
        "author": make_author(),
        "cta": make_cta(),
        "link_page": index,
        "document": make_document(),
        "category": category,
    }
