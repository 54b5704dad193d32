"""Page renders cost a fixed number of SQL queries, however much content they show."""

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from blog.models import BlogPageRelated
from tests.blog.factories import (
    every_block,
    make_article,
    make_author,
    make_category,
    make_cta,
    make_image,
    make_index,
    make_site,
)


@pytest.fixture(autouse=True)
def render_every_time(settings):
    """Measure the page render itself, not a server-side copy of an earlier response."""
    settings.CONTENT_CACHE = False


@pytest.fixture
def index(db):
    return make_index(make_site())


def queries_for(client, url: str) -> int:
    client.get(url)  # first render creates image renditions; count the steady state
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


DATABASE_BACKED = {"image", "cta", "author_bio"}


def build_article(index, size: int):
    """An article with `size` blocks, `size // 3` authors, related articles and images.

    The 3-block article holds the three block types that load rows (image, CTA snippet, author
    snippet), so the comparison measures growth with the number of blocks, not new block types.
    """
    category = make_category()
    pool = [every_block(make_image(), make_cta(), make_author()) for _ in range(3)]
    if size <= len(DATABASE_BACKED):
        pool = [[block for block in pool[0] if block[0] in DATABASE_BACKED]]
    blocks = list(itertools.islice(itertools.cycle(itertools.chain(*pool)), size))
    authors = [make_author() for _ in range(max(1, size // 3))]
    related = [
        make_article(index, categories=[category], hero_image=make_image())
        for _ in range(max(1, size // 10))
    ]
    article = make_article(index, body=blocks, authors=authors, categories=[category])
    for page in related:
        BlogPageRelated.objects.create(page=article, related_page=page)
    return article


def test_article_queries_do_not_grow_with_blocks_authors_or_related(client, index):
    small = build_article(index, 3)
    large = build_article(index, 30)
    assert len(small.body) == 3 and len(large.body) == 30
    assert len(large.get_authors()) == 10 and len(large.get_related_articles()) == 3

    small_count = queries_for(client, small.url)
    large_count = queries_for(client, large.url)

    assert large_count == small_count


def test_article_queries_do_not_grow_with_internal_links_in_rich_text(client, index):
    targets = [make_article(index) for _ in range(3)]

    def linked(count):
        body = [
            ("paragraph", f'<p>See <a linktype="page" id="{targets[n % 3].pk}">this</a>.</p>')
            for n in range(count)
        ]
        return make_article(index, body=body)

    small, large = linked(3), linked(30)
    assert f'href="{targets[2].url}"' in client.get(large.url).content.decode()
    assert queries_for(client, large.url) == queries_for(client, small.url)


def test_related_articles_fall_back_to_shared_category_without_more_queries(client, index):
    category = make_category()
    few = make_article(index, categories=[category])
    make_article(index, categories=[category], hero_image=make_image())
    few_count = queries_for(client, few.url)
    for _ in range(4):
        make_article(index, categories=[category], hero_image=make_image())
    assert queries_for(client, few.url) == few_count


def test_blog_index_queries_do_not_grow_with_articles(client, index):
    category = make_category()
    authors = [make_author(), make_author()]
    images = [make_image() for _ in range(3)]
    urls = [index.url, f"{index.url}?category={category.slug}", f"{index.url}?tag=shared"]

    def add(count):
        for number in range(count):
            make_article(
                index,
                authors=authors,
                categories=[category],
                tags=["shared"],
                hero_image=images[number % 3],
            )

    add(5)
    five = [queries_for(client, url) for url in urls]
    add(45)
    fifty = [queries_for(client, url) for url in urls]
    assert fifty == five


def test_home_page_queries_do_not_grow_with_articles(client, index):
    home = index.get_parent()
    make_article(index, authors=[make_author()], hero_image=make_image())
    one = queries_for(client, home.url)
    for _ in range(5):
        make_article(index, authors=[make_author()], hero_image=make_image())
    assert queries_for(client, home.url) == one
