"""Under a WSGI server, a content-cache hit is answered before Django's request handling
(cms/serving/wsgi.py): the same answer as the middleware's hit, byte for byte and header for
header, without Django's request signals; counted as a page view once; and anything that is no
hit (a miss, a signed-in editor, a bad host) goes through Django as before."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.test import RequestFactory

from cms.serving.wsgi import EarlyHitWSGIHandler
from insights import counting
from insights.middleware import PageViewCounterMiddleware
from tests.blog.factories import make_article, make_index, make_site
from tests.insights.conftest import BROWSER_UA

pytestmark = pytest.mark.django_db

FRONTEND = "https://front.example"


@pytest.fixture
def article(settings):
    settings.CORS_ALLOWED_ORIGINS = [FRONTEND]
    settings.INSIGHTS_PUSH_SECONDS = 0
    index = make_index(make_site())
    return make_article(index, body=[("paragraph", "<p>The published text.</p>")])


@pytest.fixture
def handlers() -> Iterator[tuple[EarlyHitWSGIHandler, WSGIHandler, list[str]]]:
    """The early handler as cms/wsgi.py builds it, Django's own, and the paths Django handled.

    Django's connection closing is held off, as the test client does (the test's transaction
    would otherwise be closed under it)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    handled: list[str] = []

    def seen(sender, environ, **kwargs):
        handled.append(environ["PATH_INFO"])

    signals.request_started.connect(seen)
    counter = PageViewCounterMiddleware(lambda request: None)
    try:
        yield EarlyHitWSGIHandler(observers=[counter.count]), WSGIHandler(), handled
    finally:
        signals.request_started.disconnect(seen)
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
        counting.take_local()


def call(app, method: str, path: str, **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ = RequestFactory().generic(method, path, HTTP_USER_AGENT=BROWSER_UA, **headers).environ
    answer: dict = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"], answer["headers"] = status, response_headers

    result = app(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return int(answer["status"].split()[0]), dict(answer["headers"]), body


def views_counted() -> int:
    return sum(sum(day.values()) for day in counting.take_local().values())


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"},
        {"HTTP_ACCEPT_ENCODING": "gzip"},
        {"HTTP_ORIGIN": FRONTEND},
        {"HTTP_ORIGIN": "https://elsewhere.example"},
    ],
    ids=["plain", "br", "gzip", "cors-allowed", "cors-other"],
)
@pytest.mark.parametrize("which", ["html", "api"])
def test_an_early_hit_is_the_middlewares_hit_without_djangos_request_handling(
    article, handlers, which, headers
):
    early, django, handled = handlers
    path = article.url if which == "html" else f"/api/v2/pages/{article.pk}/"
    miss = call(early, "GET", path, **headers)  # stored by the middleware, through Django
    assert miss[1]["X-Cache"] == "miss"
    assert handled == [path]

    through_django = call(django, "GET", path, **headers)
    answered_early = call(early, "GET", path, **headers)
    assert handled == [path, path]  # the early hit sent no request_started
    assert through_django[1]["X-Cache"] == answered_early[1]["X-Cache"] == "hit"
    assert answered_early == through_django

    etag = answered_early[1]["ETag"]
    revalidated = call(early, "GET", path, HTTP_IF_NONE_MATCH=etag, **headers)
    assert revalidated == call(django, "GET", path, HTTP_IF_NONE_MATCH=etag, **headers)
    assert revalidated[0] == 304
    assert call(early, "HEAD", path, **headers) == call(django, "HEAD", path, **headers)
    assert handled == [path, path, path, path]


def test_an_early_hit_counts_one_page_view(article, handlers):
    early, _django, handled = handlers
    call(early, "GET", article.url)
    counting.take_local()
    call(early, "GET", article.url)
    assert handled == [article.url]
    assert views_counted() == 1
    call(early, "GET", f"/api/v2/pages/{article.pk}/")
    call(early, "GET", f"/api/v2/pages/{article.pk}/")
    assert views_counted() == 0  # the API is no page view


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"HTTP_COOKIE": "sessionid=someone"}, 200),  # an editor: never the shared copy
        ({"HTTP_HOST": "evil.example"}, 400),  # Django's answer to a host it does not serve
        ({"HTTP_HOST": "bad host\x00"}, 400),
    ],
    ids=["session", "disallowed-host", "malformed-host"],
)
def test_what_is_no_hit_goes_through_django(article, handlers, headers, status):
    early, _django, handled = handlers
    call(early, "GET", article.url)
    call(early, "GET", article.url)
    assert handled == [article.url]
    answer = call(early, "GET", article.url, **headers)
    assert answer[0] == status
    assert "X-Cache" not in answer[1] or answer[1]["X-Cache"] != "hit"
    assert handled == [article.url, article.url]


def test_a_publish_makes_the_next_request_a_miss_through_django(article, handlers):
    early, _django, handled = handlers
    call(early, "GET", article.url)
    assert call(early, "GET", article.url)[1]["X-Cache"] == "hit"
    article.title = "A new title"
    article.save_revision().publish()
    answer = call(early, "GET", article.url)
    assert answer[1]["X-Cache"] == "miss"
    assert b"A new title" in answer[2]
    assert handled == [article.url, article.url]


def test_the_wsgi_application_answers_hits_early_unless_turned_off(settings):
    import importlib

    import cms.wsgi

    assert isinstance(importlib.reload(cms.wsgi).application, EarlyHitWSGIHandler)
    settings.CONTENT_CACHE_EARLY_WSGI = False
    application = importlib.reload(cms.wsgi).application
    assert type(application) is WSGIHandler
