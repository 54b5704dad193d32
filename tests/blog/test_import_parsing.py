"""The import parsers: the seed article (read at run time, never copied) and hand-written sources.

These tests need no database: they check what the parsers make of a source before any page exists.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from blog.importing import parse_path
from blog.importing.article import ParsedArticle
from blog.importing.authors import parse_author
from blog.importing.html import read_body, read_page
from blog.importing.normalise import decode, is_chrome_line
from blog.importing.shortcodes import convert
from blog.importing.text import read_text
from blog.importing.wxr import read_wxr

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed"
SEED_FILES = ["partner-betrayal-trauma.html", "partner-betrayal-trauma.txt"]
CHROME_MARKERS = ["408-920-1730", "linkedin", "facebook", "Copyright", "Privacy Policy", "tel:"]
NAV_LINKS = ['href="/about/"', 'href="/blog/"', 'href="/privacy-policy/"', 'href="/feed/"']
OTHER_ARTICLE = 'href="/10-questions-to-ask-a-cheating-spouse/"'


def seed(name: str) -> Path:
    path = SEED / name
    if not path.exists():
        pytest.skip(f"seed article not found at {path} (the ../shared/seed folder is absent)")
    return path


def body_text(article: ParsedArticle) -> str:
    return repr(article.blocks)


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_article_structure(name):
    result = parse_path(seed(name))
    assert len(result.articles) == 1
    article = result.articles[0]
    assert not article.skip_reason
    assert article.title and article.summary
    headings = article.blocks_of("heading")
    assert len(headings) == 6
    assert sum(1 for h in headings if h["level"] == 2) == 5
    key_points = article.blocks_of("key_points")
    assert [len(block["items"]) for block in key_points] == [4, 4]
    assert all(item["term"] and item["html"] for block in key_points for item in block["items"])
    (steps,) = article.blocks_of("steps")
    assert len(steps["items"]) == 7
    assert all(item["title"] and item["html"] for item in steps["items"])
    (cta,) = article.blocks_of("cta")
    assert cta["label"]
    assert any(OTHER_ARTICLE in b["html"] for b in article.blocks_of("paragraph"))
    (image,) = article.blocks_of("image")
    assert image["alt"]


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_article_has_no_page_chrome(name):
    article = parse_path(seed(name)).articles[0]
    text = body_text(article)
    for marker in CHROME_MARKERS + NAV_LINKS:
        assert marker not in text, marker
    # The article's title is the page title, not a heading repeated in the body.
    assert all(h["text"] != article.title for h in article.blocks_of("heading"))
    # The booking box and the author box are not paragraphs of the article.
    assert article.author is not None
    assert article.author.name not in " ".join(b.get("html", "") for b in article.blocks)


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_author_box_gives_credentials_and_license(name):
    author = parse_path(seed(name)).articles[0].author
    assert author.honorific == "Dr."
    assert author.license_number == "MFC 44618"
    assert author.license_type == "LMFT"
    assert author.license_state == "CA"
    assert {"LMFT", "CSAT", "CPTT"} <= set(author.credentials)
    assert author.short_bio.startswith(f"{author.honorific} {author.name}")


def test_html_and_text_versions_give_the_same_outline():
    html, text = (parse_path(seed(name)).articles[0] for name in SEED_FILES)
    assert html.title == text.title
    assert [b["type"] for b in html.blocks] == [b["type"] for b in text.blocks]
    assert [h["text"].rstrip(":") for h in html.blocks_of("heading")] == [
        h["text"] for h in text.blocks_of("heading")
    ]
    assert [i["title"] for i in html.blocks_of("steps")[0]["items"]] == [
        i["title"] for i in text.blocks_of("steps")[0]["items"]
    ]


def test_html_page_metadata():
    article = parse_path(seed(SEED_FILES[0])).articles[0]
    assert article.source_url.endswith("/partner-betrayal-trauma/")
    assert article.slug == "partner-betrayal-trauma"
    assert len(article.summary) <= 300


def test_entities_and_no_break_spaces_are_normalised():
    article = read_page(
        "<html><body><article><h1>T</h1><p>It&#8217;s&nbsp;here&mdash;now &amp; "
        "<strong>bold</strong>&nbsp;<em>it</em>.&nbsp;</p></article></body></html>",
        "x.html",
    )
    (paragraph,) = article.blocks_of("paragraph")
    assert paragraph["html"] == "<p>It\u2019s here\u2014now &amp; <b>bold</b> <i>it</i>.</p>"


def test_lists_map_by_shape():
    """Steps only when every item of a numbered list leads with a term; else an ordered list."""
    article = ParsedArticle(source="body")
    read_body(
        "<ul><li><strong>Sleep:</strong> short nights</li><li><b>Mood</b>: low</li></ul>"
        "<ul><li>plain one</li><li>plain two</li></ul>"
        "<ol><li>first thing</li><li>second thing</li></ol>"
        "<blockquote><p>Words worth keeping.</p><cite>A. Person, A Book</cite></blockquote>"
        "<ol><li><b>Pause:</b> breathe first</li><li><b>Name it:</b> say what you feel</li></ol>",
        article,
    )
    assert [b["type"] for b in article.blocks] == ["key_points", "paragraph", "quote", "steps"]
    assert [i["term"] for i in article.blocks[0]["items"]] == ["Sleep", "Mood"]
    assert article.blocks[1]["html"] == (
        "<ul><li>plain one</li><li>plain two</li></ul>"
        "<ol><li>first thing</li><li>second thing</li></ol>"
    )
    assert article.blocks[2] == {
        "type": "quote",
        "text": "Words worth keeping.",
        "who": "A. Person",
        "source": "A Book",
    }
    assert [(i["title"], i["html"]) for i in article.blocks[3]["items"]] == [
        ("Pause", "breathe first"),
        ("Name it", "say what you feel"),
    ]


def test_links_to_the_old_site_become_relative_and_scripts_are_dropped():
    article = read_page(
        '<html><head><link rel="canonical" href="https://old.example/a/"></head><body><article>'
        '<h1>T</h1><p><a href="https://old.example/b/">b</a> <a href="javascript:x()">x</a> '
        '<a href="https://other.example/">o</a></p><script>alert(1)</script></article></body></html>',
        "x.html",
    )
    (paragraph,) = article.blocks_of("paragraph")
    assert (
        paragraph["html"] == '<p><a href="/b/">b</a> x <a href="https://other.example/">o</a></p>'
    )


def test_shortcodes_known_converted_unknown_removed_with_a_warning():
    body, warnings = convert(
        'See [1] and [sic]. [caption id="c1"]<img src="/a.jpg" alt="A"> Cap[/caption] '
        "[embed]https://www.youtube.com/watch?v=abc123[/embed] [su_note]kept text[/su_note] "
        '[contact-form-7 id="5"]'
    )
    assert "[1]" in body and "[sic]" in body
    assert "<figcaption>Cap</figcaption>" in body
    assert 'data-url="https://www.youtube.com/watch?v=abc123"' in body
    assert "kept text" in body and "[su_note]" not in body and "contact-form-7" not in body
    assert warnings == [
        "unknown shortcode [su_note] removed",
        "unknown shortcode [contact-form-7] removed",
    ]


def test_author_line_with_suffix_credentials():
    author = parse_author(
        "Sam Rivera, LCSW", ["Sam is a licensed clinical social worker (LCSW 98765) in Oregon."]
    )
    assert (author.name, author.honorific) == ("Sam Rivera", "")
    assert author.credentials == ["LCSW"]
    assert author.license_number == "LCSW 98765"
    assert author.license_state == "OR"


@pytest.mark.parametrize(
    ("data", "expected", "warned"),
    [
        ("caf\u00e9 \u2019".encode(), "caf\u00e9 \u2019", False),
        ("caf\u00e9 \u2019".encode("cp1252"), "caf\u00e9 \u2019", True),
        ("don\u2019t won\u2019t".encode().decode("cp1252").encode(), "don\u2019t won\u2019t", True),
    ],
)
def test_decoding_odd_encodings(data, expected, warned):
    text, warnings = decode(data)
    assert text == expected
    assert bool(warnings) is warned


@pytest.mark.parametrize(
    ("line", "chrome"),
    [
        ("(408) 555-0142", True),
        ("CALL FOR A FREE CONSULTATION", True),
        ("Copyright \u00a9 2024 Someone", True),
        ("facebook twitter instagram", True),
        ("Call us if this sounds familiar; many couples find their way back.", False),
        ("Trust grows slowly.", False),
    ],
)
def test_chrome_lines(line, chrome):
    assert is_chrome_line(line) is chrome


def test_plain_text_structure_from_lines():
    text = (
        "HOME\n\n(555) 010-0199\n\nHow Couples Rebuild Trust\n\n"
        + "An opening paragraph that is long enough to read as prose and not as a heading at all. "
        * 2
        + "\n\nFirst Section Heading\n\n"
        "  \u2022 Listening: hearing the other out\n  \u2022 Patience: giving it time\n\n"
        "  1. Talk: set a time\n  2. Repair: say sorry\n\n"
        "Our article \u201cWhen Trust Breaks\u201d goes further.\n\n"
        "Copyright 2024. All rights reserved.\n\nLeftover line after the footer\n"
    )
    article = read_text(text, "a.txt", stem="article")
    assert article.title == "How Couples Rebuild Trust"
    assert [b["type"] for b in article.blocks] == [
        "paragraph",
        "heading",
        "key_points",
        "steps",
        "paragraph",
    ]
    assert '<a href="/when-trust-breaks/">When Trust Breaks</a>' in article.blocks[-1]["html"]
    assert "Leftover" not in repr(article.blocks)


WXR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
    'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">'
    "<channel><title>Old site</title><link>https://old.example</link>"
)


def wxr_item(title: str, body: str, status: str = "publish", post_type: str = "post") -> str:
    return (
        f"<item><title>{title}</title><link>https://old.example/{title.lower()}/</link>"
        f"<content:encoded><![CDATA[{body}]]></content:encoded>"
        f"<wp:status>{status}</wp:status><wp:post_type>{post_type}</wp:post_type></item>"
    )


def test_wxr_refuses_entity_expansion():
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><item><title>&b;</title>'
        "</item></channel></rss>"
    )
    result = read_wxr(bomb.encode(), "bomb.xml")
    assert result.articles == []
    assert result.errors and result.errors[0].startswith("refused")


def test_wxr_broken_xml_costs_only_the_broken_item():
    data = (
        WXR_HEAD
        + wxr_item("Good", "<p>Fine text.</p>")
        + "<item><title>Bad & broken</title><wp:post_type>post</wp:post_type></item>"
        + wxr_item("Later", "<p>Also fine.</p>")
        + wxr_item("Picture", "", post_type="attachment")
        + "</channel></rss>"
    )
    result = read_wxr(data.encode(), "x.xml")
    assert result.errors and "not well-formed" in result.errors[0]
    assert [a.title for a in result.articles] == ["Good", "Bad & broken", "Later"]
    assert "not well-formed" in result.articles[1].skip_reason
    assert result.ignored == {"attachment": 1}


def test_wxr_in_a_declared_legacy_encoding():
    data = (
        WXR_HEAD.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')
        + wxr_item("Caf\u00e9", "<p>Cr\u00e8me br\u00fbl\u00e9e.</p>")
        + "</channel></rss>"
    ).encode("iso-8859-1")
    result = read_wxr(data, "latin.xml")
    (article,) = result.articles
    assert article.title == "Caf\u00e9"
    assert article.blocks[0]["html"] == "<p>Cr\u00e8me br\u00fbl\u00e9e.</p>"


def test_html_page_in_windows_1252():
    page = (
        '<html><head><meta charset="windows-1252"><title>T</title></head><body><article>'
        "<h1>Don\u2019t panic</h1><p>\u201cQuoted\u201d text.</p></article></body></html>"
    ).encode("cp1252")
    text, warnings = decode(page)
    article = read_page(text, "x.html")
    assert not warnings
    assert article.title == "Don\u2019t panic"
    assert article.blocks[0]["html"] == "<p>\u201cQuoted\u201d text.</p>"


def test_wordpress_post_body_file_without_paragraph_tags(tmp_path):
    source = tmp_path / "post-body.html"
    source.write_text(
        "<h1>Small Steps</h1>\nFirst thought, on one line.\nStill the first paragraph.\n\n"
        "<h2>Then</h2>\nA second paragraph with <em>emphasis</em>.\n"
    )
    (article,) = parse_path(source).articles
    assert article.title == "Small Steps"
    assert [b["type"] for b in article.blocks] == ["paragraph", "heading", "paragraph"]
    assert article.blocks[0]["html"] == (
        "<p>First thought, on one line.<br/>Still the first paragraph.</p>"
    )
    assert article.blocks[2]["html"] == "<p>A second paragraph with <i>emphasis</i>.</p>"


def test_wxr_titles_categories_and_excerpts_are_unescaped():
    data = (
        WXR_HEAD
        + "<item><title><![CDATA[Tips &amp; Don&#8217;ts]]></title>"
        + "<content:encoded><![CDATA[<p>Body.</p>]]></content:encoded>"
        + "<excerpt:encoded><![CDATA[<p>Short &amp; <b>sweet</b>.</p>]]></excerpt:encoded>"
        + '<category domain="category" nicename="s"><![CDATA[Sex &amp; Intimacy]]></category>'
        + "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>"
        + "</channel></rss>"
    )
    (article,) = read_wxr(data.encode(), "x.xml").articles
    assert article.title == "Tips & Don\u2019ts"
    assert article.categories == ["Sex & Intimacy"]
    assert article.summary == "Short & sweet."


@pytest.mark.parametrize(
    ("line", "html"),
    [
        (
            "More at https://example.org/page.",
            'More at <a href="https://example.org/page">https://example.org/page</a>.',
        ),
        (
            'Bad https://x.example/"onmouseover="alert(1) here',
            'Bad <a href="https://x.example/">https://x.example/</a>"onmouseover="alert(1) here',
        ),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ],
)
def test_plain_text_is_escaped_and_links_cannot_break_out(line, html):
    from blog.importing.richtext import text_to_inline

    assert text_to_inline(line) == html


def test_html_attributes_and_unsafe_links_do_not_survive():
    article = ParsedArticle(source="body")
    read_body(
        '<p onclick="x()"><a href="JaVaScRiPt:alert(1)" onmouseover="y()">a</a> '
        '<a href="/ok/" style="color:red" class="c">b</a> <img src=x onerror="z()"></p>'
        "<iframe src='https://evil.example/'></iframe><script>bad()</script>",
        article,
    )
    text = repr(article.blocks)
    for unsafe in ("onclick", "onmouseover", "onerror", "javascript", "style=", "bad()"):
        assert unsafe not in text.lower()
    assert '<a href="/ok/">b</a>' in text
    assert "embedded iframe from evil.example left out" in article.warnings
