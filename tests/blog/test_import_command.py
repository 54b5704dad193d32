"""manage.py import_articles: the seed article and a WordPress export written here, into pages.

The seed article is read from ../shared/seed/ at run time and never copied into the repository.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site

from blog.models import Author, BlogCategory, BlogIndexPage, BlogPage
from home.models import CallToAction, HomePage

SEED = Path(__file__).resolve().parents[2].parent / "shared" / "seed"
SEED_FILES = ["partner-betrayal-trauma.html", "partner-betrayal-trauma.txt"]
CHROME_MARKERS = ["408-920-1730", "linkedin", "facebook", "Copyright", "Privacy Policy", "tel:"]
NAV_LINKS = ['href="/about/"', 'href="/blog/"', 'href="/privacy-policy/"', 'href="/feed/"']
OTHER_ARTICLE = "/10-questions-to-ask-a-cheating-spouse/"

pytestmark = pytest.mark.django_db


def seed(name: str) -> Path:
    path = SEED / name
    if not path.exists():
        pytest.skip(f"seed article not found at {path} (the ../shared/seed folder is absent)")
    return path


def make_blog_index() -> BlogIndexPage:
    """A home page as the default site's root, with the blog index "/blog/" under it."""
    root = Page.get_first_root_node()
    home = HomePage(title="Home", slug="importer-home")
    root.add_child(instance=home)
    site = Site.objects.filter(is_default_site=True).first() or Site(
        hostname="localhost", port=80, is_default_site=True
    )
    site.root_page = home
    site.save()
    index = BlogIndexPage(title="Articles", slug="blog")
    home.add_child(instance=index)
    return index


@pytest.fixture
def blog_index() -> BlogIndexPage:
    return make_blog_index()


@pytest.fixture
def phone_cta() -> CallToAction:
    return CallToAction.objects.create(
        name="Call for a free consultation", heading="Talk to us", action="call"
    )


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("import_articles", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def run_losing(*args: str) -> str:
    """Run an import that loses an item or a file: it reports everything, then exits non-zero."""
    out = io.StringIO()
    with pytest.raises(CommandError, match="could not be imported") as failure:
        call_command("import_articles", *args, stdout=out, stderr=io.StringIO())
    assert failure.value.returncode == 2
    return out.getvalue()


def blocks(page: BlogPage, kind: str) -> list:
    return [block.value for block in page.body if block.block_type == kind]


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_article_becomes_a_structured_article(name, blog_index, phone_cta):
    output = run(str(seed(name)), "--parent", "/blog/", "--publish")
    assert "Summary: 1 imported, 0 updated, 0 unchanged, 0 left alone, 0 skipped" in output
    page = BlogPage.objects.child_of(blog_index).get()
    assert page.live
    assert page.summary and len(page.summary) <= 300

    headings = blocks(page, "heading")
    assert len(headings) == 6
    assert [h["level"] for h in headings].count("h2") == 5
    assert [len(v["items"]) for v in blocks(page, "key_points")] == [4, 4]
    assert all(item["term"] for v in blocks(page, "key_points") for item in v["items"])
    (steps,) = blocks(page, "steps")
    assert len(steps["steps"]) == 7
    assert all(step["title"] and step["text"].source for step in steps["steps"])
    (cta,) = blocks(page, "cta")
    assert cta["snippet"] == phone_cta
    assert CallToAction.objects.count() == 1
    # The old box's own number is not the practice's: the report says so, with the number.
    assert (
        f"  warning {page.title}: the old page's phone number 408-920-1730 is not in the article "
        "(its calls to action now use 'Call for a free consultation'); the practice's number is "
        "not set yet: check which is right"
    ) in output.splitlines()
    paragraphs = " ".join(p.source for p in blocks(page, "paragraph"))
    assert f'href="{OTHER_ARTICLE}"' in paragraphs
    (image,) = blocks(page, "image")
    assert image["alt_text"] and image["image"] is not None

    (author,) = page.get_authors()
    assert author.license_number == "MFC 44618"
    assert author.license_type == "LMFT"
    assert author.license_state == "CA"
    assert author.honorific == "Dr."
    assert set(author.credential_list()) >= {"LMFT", "CSAT", "CPTT"}

    stored = str(page.body.raw_data)
    for marker in CHROME_MARKERS + NAV_LINKS:
        assert marker not in stored, marker


def test_consultation_box_creates_a_reusable_cta_when_the_practice_has_none(blog_index):
    run(str(seed(SEED_FILES[0])), "--parent", "/blog/")
    (cta,) = blocks(BlogPage.objects.get(), "cta")
    created = CallToAction.objects.get()
    assert cta["snippet"] == created
    assert created.action in {"booking", "form"}
    assert created.button_label


def test_seed_old_url_redirects_to_the_new_article(client, blog_index):
    run(str(seed(SEED_FILES[0])), "--parent", "/blog/", "--publish")
    page = BlogPage.objects.get()
    response = client.get("/partner-betrayal-trauma/")
    assert response.status_code == 301
    assert response["Location"].rstrip("/").endswith(page.url.rstrip("/"))


@pytest.mark.parametrize("name", SEED_FILES)
def test_importing_the_same_file_twice_leaves_one_article(name, blog_index):
    run(str(seed(name)), "--parent", "/blog/")
    redirects = Redirect.objects.count()
    output = run(str(seed(name)), "--parent", str(blog_index.pk))
    assert "Summary: 0 imported, 0 updated, 1 unchanged, 0 left alone, 0 skipped" in output
    assert BlogPage.objects.count() == 1
    assert Author.objects.count() == 1
    assert Redirect.objects.count() == redirects
    assert BlogPage.objects.get().get_latest_revision().content["title"]


def test_dry_run_saves_nothing(blog_index):
    output = run(str(seed(SEED_FILES[0])), "--parent", "/blog/", "--dry-run")
    assert "1 would be imported" in output
    assert BlogPage.objects.count() == 0
    assert Author.objects.count() == 0
    assert Redirect.objects.count() == 0


def test_author_option_credits_an_existing_author(blog_index):
    chosen = Author.objects.create(name="Chosen Writer", slug="chosen", short_bio="<p>Hi.</p>")
    run(str(seed(SEED_FILES[1])), "--parent", "/blog/", "--author", "chosen")
    assert BlogPage.objects.get().get_authors() == [chosen]
    assert Author.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--parent", "/nowhere/"], "No page found"),
        (["--parent", "/"], "blog index"),
        (["--parent", "/blog/", "--author", "nobody"], "No author"),
    ],
)
def test_bad_arguments_are_refused(blog_index, tmp_path, args, message):
    source = tmp_path / "a.txt"
    source.write_text("A Title Line\n\n" + "Some words in a paragraph here. " * 5)
    with pytest.raises(CommandError, match=message):
        run(str(source), *args)


# A WordPress export written for these tests ---------------------------------------------------

WXR_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
 xmlns:content="http://purl.org/rss/1.0/modules/content/"
 xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Old practice site</title><link>https://old.example</link>
<wp:author><wp:author_login><![CDATA[sam]]></wp:author_login>
<wp:author_display_name><![CDATA[Sam Rivera]]></wp:author_display_name></wp:author>
"""
WXR_TAIL = "</channel></rss>"


def item(
    post_id: int,
    title: str,
    body: str,
    *,
    status: str = "publish",
    post_type: str = "post",
    terms: str = "",
    extra: str = "",
) -> str:
    slug = title.lower().replace(" ", "-")
    return f"""<item><title><![CDATA[{title}]]></title>
<link>https://old.example/{slug}/</link>
<guid isPermaLink="false">https://old.example/?p={post_id}</guid>
<dc:creator><![CDATA[sam]]></dc:creator>
<content:encoded><![CDATA[{body}]]></content:encoded>
<excerpt:encoded><![CDATA[]]></excerpt:encoded>
<wp:post_id>{post_id}</wp:post_id>
<wp:post_date_gmt><![CDATA[2023-05-0{post_id % 9 + 1} 09:30:00]]></wp:post_date_gmt>
<wp:post_name><![CDATA[{slug}]]></wp:post_name>
<wp:status><![CDATA[{status}]]></wp:status>
<wp:post_type><![CDATA[{post_type}]]></wp:post_type>{terms}{extra}</item>
"""


TERMS = (
    '<category domain="category" nicename="trust"><![CDATA[Trust]]></category>'
    '<category domain="category" nicename="couples"><![CDATA[Couples]]></category>'
    '<category domain="post_tag" nicename="repair"><![CDATA[repair]]></category>'
    '<category domain="post_tag" nicename="listening"><![CDATA[listening]]></category>'
)


def export(tmp_path: Path, *items: str, broken: str = "") -> Path:
    path = tmp_path / "export.xml"
    path.write_text(WXR_HEAD + "".join(items) + broken + WXR_TAIL, encoding="utf-8")
    return path


def problem_posts() -> list[str]:
    return [
        item(
            1,
            "Published Post",
            "First paragraph.\n\nSecond <b>bold</b> one.",
            terms=TERMS,
            extra="<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key>"
            "<wp:meta_value>8</wp:meta_value></wp:postmeta>",
        ),
        item(2, "Draft Post", "<p>Not ready yet.</p>", status="draft"),
        item(3, "Private Post", "<p>Only for me.</p>", status="private"),
        item(4, "Shortcode Post", 'Before [gallery ids="1,2,3"] after.\n\n[su_box]Boxed[/su_box]'),
        item(5, "Broken Post", "<p>Open <b>bold <div>never closed <i>italic"),
        item(6, "Empty Post", "   "),
        item(
            7,
            "Linking Post",
            '<p>See <a href="https://old.example/published-post/">the first one</a> and '
            '<a href="https://old.example/long-post/">a later one</a>.</p>',
        ),
        item(
            8,
            "Logo",
            "",
            post_type="attachment",
            extra="<wp:attachment_url>https://old.example/uploads/hero.jpg</wp:attachment_url>",
        ),
        item(9, "Old Draft", "<p>x</p>", status="trash"),
        item(
            10,
            "Long Post",
            "".join(f"<h2>Part {n}</h2><p>{'Words. ' * 200}</p>" for n in range(60)),
        ),
    ]


def test_wxr_import_states_topics_and_a_line_per_problem(tmp_path, blog_index):
    output = run(str(export(tmp_path, *problem_posts())), "--parent", "/blog/", "--publish")
    pages = {page.title: page for page in BlogPage.objects.child_of(blog_index)}
    assert set(pages) == {
        "Published Post",
        "Draft Post",
        "Private Post",
        "Shortcode Post",
        "Broken Post",
        "Linking Post",
        "Long Post",
    }
    assert pages["Published Post"].live
    assert not pages["Draft Post"].live
    assert not pages["Private Post"].live
    assert pages["Shortcode Post"].live and pages["Broken Post"].live

    published = pages["Published Post"]
    assert {c.name for c in published.categories.all()} == {"Trust", "Couples"}
    assert {t.name for t in published.tags.all()} == {"repair", "listening"}
    assert str(published.date_published) == "2023-05-02"
    assert [a.name for a in published.get_authors()] == ["Sam Rivera"]
    assert published.hero_image.title == "Import placeholder: hero.jpg"
    assert (
        blocks(published, "paragraph")[0].source
        == "<p>First paragraph.</p><p>Second <b>bold</b> one.</p>"
    )
    assert len(blocks(pages["Long Post"], "heading")) == 60
    linking = blocks(pages["Linking Post"], "paragraph")[0].source
    assert f'linktype="page" id="{published.pk}"' in linking
    # The long post comes after the linking one in the export: linked at the end of the run.
    assert f'linktype="page" id="{pages["Long Post"].pk}"' in linking
    assert "Linked 1 article to articles imported after them." in output

    assert "Summary: 7 imported, 0 updated, 0 unchanged, 0 left alone, 2 skipped" in output
    lines = output.splitlines()
    assert "  skipped Empty Post: the body is empty: nothing to import" in lines
    assert "  skipped Old Draft: in the WordPress trash" in lines
    assert "  warning Private Post: private in WordPress: left unpublished" in lines
    assert "  warning Shortcode Post: unknown shortcode [gallery] removed" in lines
    assert "  warning Shortcode Post: unknown shortcode [su_box] removed" in lines
    assert any(line.startswith("  warning Broken Post: malformed HTML") for line in lines)
    assert "  not articles in export.xml (left out): 1 attachment" in lines
    assert (
        "  warning Published Post: featured image hero.jpg is not available here: a placeholder "
        "was used; upload the real file over the placeholder"
    ) in lines
    assert BlogCategory.objects.count() == 2

    redirect = Redirect.objects.get(old_path="/published-post")
    assert redirect.redirect_page_id == published.pk
    assert Redirect.objects.get(old_path="/?p=1").redirect_page_id == published.pk


def test_wxr_import_again_updates_and_keeps_drafts_unpublished(tmp_path, blog_index):
    path = export(tmp_path, *problem_posts())
    run(str(path), "--parent", "/blog/")
    assert not BlogPage.objects.live().exists()
    output = run(str(path), "--parent", "/blog/", "--publish")
    # Unchanged content: the publishable five are published, the draft and private post untouched.
    assert "Summary: 0 imported, 5 updated, 2 unchanged, 0 left alone, 2 skipped" in output
    assert BlogPage.objects.count() == 7
    assert set(BlogPage.objects.live().values_list("title", flat=True)) == {
        "Published Post",
        "Shortcode Post",
        "Broken Post",
        "Linking Post",
        "Long Post",
    }


def test_wxr_with_a_broken_item_imports_the_others(tmp_path, blog_index):
    broken = "<item><title>Bad & worse</title><content:encoded>x</item>"
    path = export(
        tmp_path,
        item(1, "Before Broken", "<p>Fine.</p>"),
        item(2, "After Broken", "<p>Also fine.</p>"),
        broken=broken,
    )
    output = run_losing(str(path), "--parent", "/blog/")
    assert set(BlogPage.objects.values_list("title", flat=True)) == {
        "Before Broken",
        "After Broken",
    }
    assert "Summary: 2 imported, 0 updated, 0 unchanged, 0 left alone, 1 skipped" in output
    assert any(
        "skipped Bad & worse: the item is not well-formed XML" in line
        for line in output.splitlines()
    )
    assert any(
        line.startswith("  file export.xml: not well-formed XML") for line in output.splitlines()
    )


def test_wxr_with_entity_declarations_is_refused(tmp_path, blog_index):
    path = tmp_path / "bomb.xml"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&b;</title>'
        "</item></channel></rss>"
    )
    output = run_losing(str(path), "--parent", "/blog/")
    assert "Summary: 0 imported, 0 updated, 0 unchanged, 0 left alone, 0 skipped" in output
    assert "file bomb.xml: refused" in output
    assert not BlogPage.objects.exists()


def test_an_item_that_fails_to_save_does_not_stop_the_rest(tmp_path, blog_index, monkeypatch):
    from blog.importing import pages

    original = pages.ArticleImporter.save

    def failing(self, article, outcome):
        if article.title == "Unlucky":
            raise ValueError("simulated failure")
        return original(self, article, outcome)

    monkeypatch.setattr(pages.ArticleImporter, "save", failing)
    path = export(tmp_path, item(1, "Unlucky", "<p>a</p>"), item(2, "Lucky", "<p>b</p>"))
    output = run_losing(str(path), "--parent", "/blog/")
    assert list(BlogPage.objects.values_list("title", flat=True)) == ["Lucky"]
    assert "skipped Unlucky: could not be saved (ValueError: simulated failure)" in output


def test_many_items_show_progress(tmp_path, blog_index):
    path = export(tmp_path, *(item(n, f"Post {n}", "<p>Short.</p>") for n in range(1, 26)))
    err = io.StringIO()
    call_command(
        "import_articles", str(path), "--parent", "/blog/", stdout=io.StringIO(), stderr=err
    )
    assert "25/25" in err.getvalue()
    assert BlogPage.objects.count() == 25


def test_imported_article_is_valid_for_editors_and_renders(client, blog_index, phone_cta):
    run(str(seed(SEED_FILES[0])), "--parent", "/blog/", "--publish")
    page = BlogPage.objects.get()
    # What the admin runs when an editor saves the page: the imported body passes unchanged.
    page.body.stream_block.clean(page.body)
    response = client.get(page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "MFC 44618" in html
    assert html.count("<h2") >= 5


def test_repeated_headings_get_distinct_anchors(tmp_path, blog_index):
    body = "<h2>Next steps</h2><p>One.</p><h2>Next steps</h2><p>Two.</p>"
    run(str(export(tmp_path, item(1, "Repeats", body))), "--parent", "/blog/")
    page = BlogPage.objects.get()
    anchors = [entry["anchor"] for entry in page.table_of_contents()]
    assert len(set(anchors)) == 2
    page.body.stream_block.clean(page.body)


def test_images_use_a_local_file_when_given_else_one_placeholder(tmp_path, blog_index):
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    Image = get_image_model()
    run(str(seed(SEED_FILES[0])), "--parent", "/blog/")
    run(str(seed(SEED_FILES[0])), "--parent", "/blog/")
    (placeholder,) = Image.objects.all()
    assert placeholder.title.startswith("Import placeholder: ")
    assert "import-placeholder" in placeholder.tags.names()
    (value,) = blocks(BlogPage.objects.get(), "image")
    assert value["image"] == placeholder and value["alt_text"]

    images = tmp_path / "images"
    images.mkdir()
    PILImage.new("RGB", (40, 30), (10, 120, 90)).save(
        images / "understanding-partner-betrayal-trauma.jpg", format="JPEG"
    )
    run(str(seed(SEED_FILES[0])), "--parent", "/blog/", "--images", str(images))
    # The article is a draft: the new content is its latest revision.
    (value,) = blocks(BlogPage.objects.get().get_latest_revision_as_object(), "image")
    assert value["image"] != placeholder
    assert (value["image"].width, value["image"].height) == (40, 30)


def test_bad_files_in_a_run_are_reported_and_the_good_ones_imported(tmp_path, blog_index):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    junk = tmp_path / "junk.html"
    junk.write_bytes(bytes(range(256)) * 4)
    good = tmp_path / "good.txt"
    good.write_text("A Title Worth Keeping\n\n" + "Plain words that make a paragraph. " * 6)
    missing = tmp_path / "missing.xml"
    output = run_losing(str(empty), str(junk), str(missing), str(good), "--parent", "/blog/")
    assert list(BlogPage.objects.values_list("title", flat=True)) == ["A Title Worth Keeping"]
    lines = output.splitlines()
    assert "  skipped empty.txt: the file is empty" in lines
    assert "  skipped junk.html: a binary file, not an article: refused" in lines
    assert "  file missing.xml: cannot be read (No such file or directory)" in lines
