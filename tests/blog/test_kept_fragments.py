"""Kept page fragments (home_tags.kept_fragment) never share what is made for one visitor."""

import re

import pytest

from tests.blog.factories import make_article, make_index, make_site

STARTED = re.compile(r'name="started" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def form_article(db):
    index = make_index(make_site())
    return make_article(
        index,
        body=[
            ("paragraph", "<p>Before the form.</p>"),
            ("consultation_form", {"heading": "Ask us", "intro": "Free."}),
        ],
    )


def test_an_article_with_the_form_gets_new_form_tokens_on_every_request(client, form_article):
    # The first request sets the CSRF cookie; from the second on the visitor sends it back.
    pages = [client.get(form_article.url) for _ in range(3)]
    assert all(page.status_code == 200 for page in pages)
    bodies = [page.content.decode() for page in pages]
    assert all("Before the form." in body for body in bodies)
    started = [STARTED.search(body).group(1) for body in bodies]
    csrf = [CSRF.search(body).group(1) for body in bodies]
    assert len(set(started)) == 3
    assert len(set(csrf)) == 3
