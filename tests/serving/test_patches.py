"""Every private upstream name the project relies on still behaves as it was checked to, and the
serve view's kept route answers exactly what Wagtail's own routing would."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from wagtail.models import Page, Site

from cms.serving import patches
from cms.serving.refdata import request_scope
from tests.api.factories import ensure_tree_roots


@pytest.mark.parametrize("entry", patches.UPSTREAM, ids=lambda entry: entry.name)
def test_upstream_name_still_behaves_as_checked(entry):
    assert entry.checked and entry.used_by and entry.why
    entry.check()


def test_a_changed_upstream_fails_its_check_loudly(monkeypatch):
    from wagtail.models import Page as WagtailPage

    def route_for_request(request, path):  # an upstream that stopped reading the request memo
        return None

    monkeypatch.setattr(WagtailPage, "route_for_request", staticmethod(route_for_request))
    entry = next(e for e in patches.UPSTREAM if "route_for_request" in e.name)
    with pytest.raises(patches.UpstreamChanged, match="_wagtail_route_for_request"):
        entry.check()


def test_site_root_paths_patch_is_installed_once_and_reads_through_outside_a_request():
    patches.install_site_root_paths()
    patches.install_site_root_paths()
    wrapped = Site.get_site_root_paths
    assert wrapped._serving_patch
    assert not getattr(wrapped.__wrapped__, "_serving_patch", False)


@pytest.mark.django_db
def test_site_root_paths_are_kept_within_a_request_scope(django_assert_num_queries):
    from django.core.cache import cache

    with request_scope():
        first = Site.get_site_root_paths()
        cache.clear()  # Wagtail's own copy gone: the kept one still answers, without a query
        with django_assert_num_queries(0):
            assert Site.get_site_root_paths() == first


@pytest.mark.django_db
def test_kept_route_matches_wagtails_routing_for_every_public_page(client, settings):
    """The serve view skips `route()` for a path it has routed before; what it hands to Wagtail
    must equal what Wagtail's own routing finds, for every page type served."""
    settings.CONTENT_CACHE = False  # every request reaches the serve view
    ensure_tree_roots()
    call_command("load_demo_content", verbosity=0)
    pages = [page for page in Page.objects.live().specific() if page.depth > 2 and page.url]
    assert len({type(page) for page in pages}) >= 4
    factory = RequestFactory()
    for page in pages:
        assert client.get(page.url).status_code == 200, page.url
        again = client.get(page.url)
        assert again.status_code == 200, page.url
        kept = getattr(again.wsgi_request, patches.ROUTE_ATTR)
        routed = Page.route_for_request(factory.get(page.url), page.url)
        assert (type(kept[0]), kept[0].pk, kept[1], kept[2]) == (
            type(routed[0]),
            routed[0].pk,
            routed[1],
            routed[2],
        )


@pytest.mark.django_db
def test_template_renditions_are_kept_within_a_request_scope(django_assert_num_queries):
    from tests.blog.factories import make_image

    image = make_image()
    with request_scope():
        first = image.get_rendition("fill-100x100")
        with django_assert_num_queries(0):
            assert image.get_rendition("fill-100x100") is first
    assert image.get_rendition("fill-100x100") is not first  # outside a request: Wagtail's path
