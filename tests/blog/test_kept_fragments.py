"""Kept page fragments (home_tags.kept_fragment) never share what is made for one visitor."""

import re
import time

import pytest

from tests.blog.factories import make_article, make_index, make_site

STARTED = re.compile(r'name="started" value="([^"]+)"')


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


def test_a_kept_fragment_never_freezes_the_form_token(client, form_article, settings):
    """The form's token is dated when the page is rendered: kept with the article's blocks it
    would be the same until the next edit, and every visitor's request would be refused as
    expired once it aged. The content cache (which bounds a form page's age) is off here so
    that every request renders the page."""
    settings.CONTENT_CACHE = False
    first = client.get(form_article.url)
    time.sleep(1.1)  # the token's timestamp has a one-second resolution
    second = client.get(form_article.url)
    assert first.status_code == second.status_code == 200
    bodies = [first.content.decode(), second.content.decode()]
    assert all("Before the form." in body for body in bodies)
    started = [STARTED.search(body).group(1) for body in bodies]
    assert started[0] != started[1]
