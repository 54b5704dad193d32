"""Every place the project relies on an upstream private name, and its process-wide patches.

Wagtail, DRF and Django are extended through their seams (hooks, viewsets, subclasses, signals,
the serve view, cache aliases). Where there is none and the measured gain is worth it, the
dependency is listed here: `UPSTREAM` names each upstream dotted path, the version it was checked
against, the project's code that relies on it, and a `check` that raises `UpstreamChanged` when
the upstream shape or behaviour it relies on is no longer there (`tests/serving/test_patches.py`
runs every check). Upgrading Wagtail, DRF, Django or kombu means running those tests first.

The patches applied to upstream code are `install_site_root_paths()` and
`install_template_renditions()`, each kept for a measured gain, and `install_create_page_view()`,
which fixes a server error; all are called once from `ServingConfig.ready()`. `RedisTransport`
is not a patch but a subclass of kombu's Redis transport that the settings select by name
(`CELERY_BROKER_TRANSPORT`), kept here because it overrides a private method.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from kombu.transport import redis as kombu_redis
from redis.exceptions import ConnectionError as RedisConnectionError

WAGTAIL = "wagtail 8.0.1"
DRF = "djangorestframework 3.18.3"
DJANGO = "Django 6.1.3"
KOMBU = "kombu 5.7.0 (celery 5.7.0, redis-py 8.1.0)"


class UpstreamChanged(AssertionError):
    """An upstream name or behaviour the project relies on is not what it was checked against."""


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise UpstreamChanged(message)


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


# The patch ------------------------------------------------------------------------------------


def install_site_root_paths() -> None:
    """Within a request, `Site.get_site_root_paths()` comes from the reference data.

    Wagtail reads the site root paths for every page URL it builds (from the Django cache: one
    round trip per page instance without a request); kept per content version, they cost none.
    """
    from wagtail.models import Site

    from cms.serving import refdata

    if getattr(Site.get_site_root_paths, "_serving_patch", False):
        return
    original = Site.get_site_root_paths

    def get_site_root_paths():
        if not refdata.in_request_scope():
            return original()
        return refdata.memoized("site_root_paths", original)

    get_site_root_paths._serving_patch = True
    get_site_root_paths.__wrapped__ = original
    Site.get_site_root_paths = staticmethod(get_site_root_paths)


# The broker transport ----------------------------------------------------------------------------


class RedisChannel(kombu_redis.Channel):
    """kombu's Redis channel, keeping the connection parameters it worked out while connected.

    kombu builds a channel's Redis connection pool from `self.connection.client` (the kombu
    Connection) and rebuilds it whenever it is needed after `close()` dropped it. When the broker
    goes away while the worker holds an unacknowledged message and its idle pool process waits on
    BRPOP, Celery's cleanup (`Connection.collect()`) fails to close the task channel (draining the
    dead BRPOP raises), fails on the remote-control channel (deleting its queue raises, which ends
    kombu's loop over the channels), and clears the transport's client; Celery's `close()` then
    closes the task channel again, and restoring the held message rebuilds the pool from a client
    that is None: `AttributeError: 'NoneType' object has no attribute 'hostname'`, not a
    connection error, so the worker exited. With the parameters kept, restoring (or a late ack)
    reaches Redis like any other call: it works, or fails with a connection error that kombu and
    Celery already handle.
    """

    _kept_connparams: dict[bool, dict[str, Any]] | None = None

    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        transport = self.connection
        if transport is not None and transport.client is not None:
            params = super()._connparams(asynchronous=asynchronous)
            self._kept_connparams = {**(self._kept_connparams or {}), asynchronous: params}
            return dict(params)
        kept = (self._kept_connparams or {}).get(asynchronous)
        if kept is None:
            raise RedisConnectionError("The broker connection of this channel is closed.")
        return dict(kept)


class RedisTransport(kombu_redis.Transport):
    """kombu's Redis transport with `RedisChannel`; the settings name it for a redis:// broker."""

    Channel = RedisChannel


def install_create_page_view() -> None:
    """Pages are added with `cms.page_editing.CreatePageView`: Wagtail's view, except that a save
    crossed by another save of the same page answers with the form instead of a server error.

    Wagtail routes `admin/pages/add/...` to the add view of the page type's viewset, and every
    page type of the project uses its default one (`base_page_viewset`): its view class is set
    here, before any request builds the view."""
    from wagtail.admin.viewsets.pages import base_page_viewset

    from cms.page_editing import CreatePageView

    base_page_viewset.add_view_class = CreatePageView


def install_template_renditions() -> None:
    """Within a request, `AbstractImage.get_rendition(s)` answers from the reference data.

    Templates (`{% image %}`, `{% srcset_image %}`) ask Wagtail for renditions several times per
    page; Wagtail's own path (its filter, focal-point key and the `renditions` cache alias) cost
    about a tenth of an uncached article page (`make bench`: article HTML 185-189 req/s through
    the alias alone, 213 with this memo, 208 before the move). Outside a request, and on a miss,
    Wagtail's method runs as usual (and fills the `renditions` alias).
    """
    from wagtail.images.models import AbstractImage

    from cms.serving import refdata

    if getattr(AbstractImage.get_rendition, "_serving_patch", False):
        return
    get_rendition, get_renditions = AbstractImage.get_rendition, AbstractImage.get_renditions

    def kept_rendition(self, filter):
        spec = filter if isinstance(filter, str) else getattr(filter, "spec", None)
        if not refdata.in_request_scope() or spec is None or self.pk is None:
            return get_rendition(self, filter)
        return refdata.memoized(("rendition", self.pk, spec), lambda: get_rendition(self, filter))

    def kept_renditions(self, *filters):
        specs = tuple(f if isinstance(f, str) else getattr(f, "spec", None) for f in filters)
        if not refdata.in_request_scope() or None in specs or self.pk is None:
            return get_renditions(self, *filters)
        return refdata.memoized(
            ("renditions", self.pk, specs), lambda: get_renditions(self, *filters)
        )

    for wrapper, original in ((kept_rendition, get_rendition), (kept_renditions, get_renditions)):
        wrapper._serving_patch = True
        wrapper.__wrapped__ = original
    AbstractImage.get_rendition = kept_rendition
    AbstractImage.get_renditions = kept_renditions


# Private request attributes -------------------------------------------------------------------

ROUTE_ATTR = "_wagtail_route_for_request"
SITE_ATTR = "_wagtail_site"
SETTING_REQUEST_ATTR = "_request"
CSP_CONFIG_ATTR = "_csp_config"


def set_request_route(request: Any, route: tuple) -> None:
    """Hand Wagtail a route found elsewhere: `Page.route_for_request` returns it as its own."""
    setattr(request, ROUTE_ATTR, route)


# Checks ---------------------------------------------------------------------------------------


def _check_site_root_paths() -> None:
    from wagtail.models import Site

    original = getattr(Site.get_site_root_paths, "__wrapped__", Site.get_site_root_paths)
    _require(_parameters(original) == [], "Site.get_site_root_paths() takes arguments now")
    source = inspect.getsource(original)
    _require(
        "SITE_ROOT_PATHS_CACHE_KEY" in source,
        "Site.get_site_root_paths no longer reads the Django cache: the memo may be pointless",
    )


def _check_route_for_request() -> None:
    from wagtail.models import Page

    _require(
        _parameters(Page.route_for_request) == ["request", "path"],
        "Page.route_for_request(request, path) changed signature",
    )
    route = (object(), [], {})
    request = SimpleNamespace(**{ROUTE_ATTR: route})
    _require(
        Page.route_for_request(request, "/anything/") is route,
        f"Page.route_for_request no longer returns request.{ROUTE_ATTR}",
    )


def _check_find_for_request() -> None:
    from wagtail.models import Site

    site = object()
    request = SimpleNamespace(**{SITE_ATTR: site})
    _require(
        Site.find_for_request(request) is site,
        f"Site.find_for_request no longer returns request.{SITE_ATTR}",
    )


def _check_site_setting_for_request() -> None:
    from wagtail.contrib.settings.models import BaseSiteSetting

    source = inspect.getsource(BaseSiteSetting.for_request)
    _require(
        "get_cache_attr_name()" in source and f"{SETTING_REQUEST_ATTR} = request" in source,
        "BaseSiteSetting.for_request no longer keeps the setting on the request and the request "
        f"on the setting ({SETTING_REQUEST_ATTR}): PracticeSettings.for_request copies it",
    )
    _require(callable(BaseSiteSetting.get_cache_attr_name), "get_cache_attr_name is gone")


def _check_stream_value_internals() -> None:
    from wagtail import blocks

    stream_block = blocks.StreamBlock([("text", blocks.CharBlock())])
    raw = [{"type": "text", "value": "a", "id": "1"}]
    value = blocks.StreamValue(stream_block, raw, is_lazy=True)
    _require(value._raw_data[0]["value"] == "a", "StreamValue._raw_data is not the raw list")
    _require(value._bound_blocks[0] is None, "StreamValue._bound_blocks is not filled lazily")
    child = blocks.StreamValue.StreamChild(stream_block.child_blocks["text"], "b", id="1")
    value._bound_blocks[0] = child
    _require(value[0] is child, "StreamValue no longer reads a child from _bound_blocks")


def _check_get_serializer_class() -> None:
    from wagtail.api.v2.views import PagesAPIViewSet

    _require(
        _parameters(PagesAPIViewSet._get_serializer_class)
        == ["router", "model", "fields_config", "show_details", "nested"],
        "PagesAPIViewSet._get_serializer_class changed signature",
    )


def _check_router_endpoints() -> None:
    from wagtail.api.v2.router import WagtailAPIRouter
    from wagtail.api.v2.views import BaseAPIViewSet

    router = WagtailAPIRouter("patches-check")
    router.register_endpoint("things", BaseAPIViewSet)
    _require(
        getattr(router, "_endpoints", {}).get("things") is BaseAPIViewSet,
        "WagtailAPIRouter._endpoints no longer maps names to endpoint classes",
    )


def _check_filter_error_text() -> None:
    from wagtail.api.v2 import filters

    for name in ("ChildOfFilter", "DescendantOfFilter", "AncestorOfFilter"):
        source = inspect.getsource(getattr(filters, name).filter_queryset)
        _require(
            "page doesn't exist\")" in source,
            f'{name} no longer says "... page doesn\'t exist" for a page it cannot find',
        )


def _check_filtered_by_tag() -> None:
    from wagtail.api.v2 import filters

    _require(
        "_filtered_by_tag" in inspect.getsource(filters.FieldsFilter.filter_queryset)
        and "_filtered_by_tag" in inspect.getsource(filters.SearchFilter.filter_queryset),
        "Wagtail no longer marks tag-filtered querysets with _filtered_by_tag",
    )


def _check_link_handler_get_many() -> None:
    from wagtail.documents.rich_text import DocumentLinkHandler
    from wagtail.rich_text import LinkHandler
    from wagtail.rich_text.pages import PageLinkHandler

    _require(
        _parameters(LinkHandler.get_many) == ["attrs_list"],
        "LinkHandler.get_many(attrs_list) changed signature",
    )
    for handler in (PageLinkHandler, DocumentLinkHandler):
        _require(
            "cls.get_many(" in inspect.getsource(handler.expand_db_attributes_many),
            f"{handler.__name__}.expand_db_attributes_many no longer loads through get_many",
        )


def _check_csp_config() -> None:
    from django.http import HttpRequest, HttpResponse
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.utils.csp import CSP

    response = HttpResponse()
    setattr(response, CSP_CONFIG_ATTR, {"default-src": [CSP.SELF]})
    request = HttpRequest()
    request.method = "GET"
    ContentSecurityPolicyMiddleware(lambda r: response).process_response(request, response)
    _require(
        response.get("Content-Security-Policy") == "default-src 'self'",
        f"Django's CSP middleware no longer reads response.{CSP_CONFIG_ATTR}",
    )


def _check_image_renditions() -> None:
    from wagtail.images.models import AbstractImage

    for name, expected in (("get_rendition", ["self", "filter"]), ("get_renditions", None)):
        method = getattr(AbstractImage, name)
        original = getattr(method, "__wrapped__", method)
        parameters = _parameters(original)
        if expected is not None:
            _require(parameters == expected, f"AbstractImage.{name} changed signature")
        else:
            _require(
                parameters[0] == "self"
                and inspect.signature(original).parameters[parameters[1]].kind
                is inspect.Parameter.VAR_POSITIONAL,
                "AbstractImage.get_renditions(*filters) changed signature",
            )


def _check_image_file_metadata() -> None:
    from wagtail.images.models import AbstractImage

    method = getattr(AbstractImage, "_set_image_file_metadata", None)
    _require(callable(method), "AbstractImage._set_image_file_metadata is gone")
    _require(_parameters(method) == ["self"], "_set_image_file_metadata changed signature")


def _check_json_script_escapes() -> None:
    from django.utils import html

    escapes = getattr(html, "_json_script_escapes", None)
    _require(
        isinstance(escapes, dict) and {ord("<"), ord(">"), ord("&")} <= set(escapes),
        "django.utils.html._json_script_escapes no longer escapes <, > and &",
    )


def _check_serializer_fields() -> None:
    from rest_framework.fields import Field
    from rest_framework.serializers import Serializer

    fields = inspect.getsource(Serializer.fields.func)
    _require("self.get_fields()" in fields, "DRF's Serializer.fields no longer calls get_fields")
    _require(
        _parameters(Field.bind) == ["self", "field_name", "parent"],
        "DRF's Field.bind changed signature",
    )
    _require(not hasattr(Field, "__slots__"), "DRF's Field has __slots__ (copies read __dict__)")


def _check_redis_channel_connparams() -> None:
    from kombu import Connection
    from kombu.transport.virtual import base as virtual

    _require(
        _parameters(kombu_redis.Channel._connparams) == ["self", "asynchronous"],
        "kombu's redis Channel._connparams(asynchronous) changed signature",
    )
    _require(
        "self.connection.client" in inspect.getsource(kombu_redis.Channel._connparams),
        "redis Channel._connparams no longer reads self.connection.client",
    )
    _require(
        "self._connparams(" in inspect.getsource(kombu_redis.Channel._get_pool)
        and "self.pool" in inspect.getsource(kombu_redis.Channel._create_client)
        and "self._create_client()" in inspect.getsource(kombu_redis.Channel.conn_or_acquire)
        and "conn_or_acquire(" in inspect.getsource(kombu_redis.QoS.restore_unacked),
        "restoring unacked messages no longer builds its client through _connparams",
    )
    _require(
        "self.Channel(" in inspect.getsource(virtual.Transport.create_channel),
        "kombu's virtual Transport no longer creates channels from its Channel attribute",
    )
    channel = RedisChannel.__new__(RedisChannel)
    channel.connection = SimpleNamespace(
        client=Connection("redis://127.0.0.1:1/3"), default_port=kombu_redis.DEFAULT_PORT
    )
    connected = channel._connparams()
    _require(
        (connected["host"], connected["port"], connected["db"]) == ("127.0.0.1", 1, 3),
        "redis Channel._connparams no longer returns host, port and db",
    )
    channel.connection.client = None
    _require(channel._connparams() == connected, "RedisChannel lost its connection parameters")
    try:
        kombu_redis.Channel._connparams(channel)
    except AttributeError:
        pass
    else:
        raise UpstreamChanged(
            "kombu's redis Channel._connparams now works without a client: RedisTransport may no "
            "longer be needed (check QoS.restore_unacked after a broker outage)"
        )


def _check_redis_cache_client() -> None:
    from django.core.cache.backends.redis import RedisCache, RedisCacheClient

    cache = RedisCache("redis://127.0.0.1:1/0", {})
    _require(
        isinstance(cache._cache, RedisCacheClient),
        "RedisCache._cache is no longer its RedisCacheClient",
    )
    _require(
        _parameters(RedisCacheClient.get_client) == ["self", "key", "write"],
        "RedisCacheClient.get_client(key, *, write) changed signature",
    )


def _check_status_side_panel_template() -> None:
    from pathlib import Path

    import wagtail
    from django.conf import settings

    name = "wagtailadmin/shared/side_panels/status.html"
    upstream = (Path(wagtail.__file__).parent / "admin/templates" / name).read_text()
    ours = (Path(settings.BASE_DIR) / "templates" / name).read_text()
    kept = [line for line in ours.splitlines() if "insights" not in line]
    _require(
        kept == upstream.splitlines()[1:],
        f"Wagtail's {name} changed: copy it to templates/ again and re-add the figures line",
    )


@dataclass(frozen=True)
class Upstream:
    """One upstream name the project relies on beyond the documented API."""

    name: str
    checked: str
    used_by: str
    why: str
    check: Callable[[], None]


def _check_create_page_view() -> None:
    from wagtail.admin.views.pages.create import CreateView
    from wagtail.admin.viewsets.pages import PageViewSet, base_page_viewset

    _require(isinstance(base_page_viewset, PageViewSet), "base_page_viewset is not a PageViewSet")
    _require(PageViewSet.add_view_class is CreateView, "PageViewSet.add_view_class changed")
    source = inspect.getsource(CreateView.form_valid)
    _require("self.action_method()" in source, "CreateView.form_valid no longer saves there")


UPSTREAM: tuple[Upstream, ...] = (
    Upstream(
        "wagtail.models.Site.get_site_root_paths",
        WAGTAIL,
        "cms.serving.patches.install_site_root_paths",
        "patched: kept per content version within a request (no cache round trip per URL)",
        _check_site_root_paths,
    ),
    Upstream(
        "wagtail.models.Page.route_for_request / request._wagtail_route_for_request",
        WAGTAIL,
        "cms.serving.views.serve",
        "a route kept as reference data is handed to Wagtail's serve view as its own",
        _check_route_for_request,
    ),
    Upstream(
        "wagtail.models.Site.find_for_request / request._wagtail_site",
        WAGTAIL,
        "cms.serving.refdata.site_for_request",
        "the site found from the reference data is the one Wagtail uses for the request",
        _check_find_for_request,
    ),
    Upstream(
        "wagtail.contrib.settings.models.BaseSiteSetting.for_request (get_cache_attr_name, "
        "setting._request)",
        WAGTAIL,
        "home.models.settings.PracticeSettings.for_request",
        "the practice settings come from the reference data, kept on the request as Wagtail does",
        _check_site_setting_for_request,
    ),
    Upstream(
        "wagtail.blocks.StreamValue._raw_data / _bound_blocks / StreamValue.StreamChild",
        WAGTAIL,
        "cms.serving.prefetch.prefetch_streams",
        "each block type's values across many pages are converted in one bulk call",
        _check_stream_value_internals,
    ),
    Upstream(
        "wagtail.api.v2.views.PagesAPIViewSet._get_serializer_class",
        WAGTAIL,
        "cms.headless.viewsets.PagesAPIViewSet, PreviewAPIViewSet",
        "serializer classes are built once per model and fields; the preview reuses the pages "
        "endpoint's",
        _check_get_serializer_class,
    ),
    Upstream(
        "wagtail.api.v2.router.WagtailAPIRouter._endpoints",
        WAGTAIL,
        "cms.headless.openapi.build_openapi, cms.headless.viewsets.PreviewAPIViewSet",
        "the OpenAPI document and the preview read the registered endpoints",
        _check_router_endpoints,
    ),
    Upstream(
        "wagtail.api.v2.filters.ChildOfFilter/DescendantOfFilter/AncestorOfFilter error text",
        WAGTAIL,
        "cms.headless.viewsets.PagesAPIViewSet.filter_queryset",
        '"... page doesn\'t exist" for a page that is not public becomes a 404',
        _check_filter_error_text,
    ),
    Upstream(
        "wagtail.api.v2.filters queryset._filtered_by_tag",
        WAGTAIL,
        "blog.api.ArticleFilter",
        "the article tag filter refuses search with tags the way Wagtail's own does",
        _check_filtered_by_tag,
    ),
    Upstream(
        "wagtail.rich_text.LinkHandler.get_many (Page/DocumentLinkHandler)",
        WAGTAIL,
        "cms.serving.prefetch.PrefetchedPageLinkHandler, PrefetchedDocumentLinkHandler",
        "rich text link targets of a whole response are loaded at once",
        _check_link_handler_get_many,
    ),
    Upstream(
        "django.middleware.csp.ContentSecurityPolicyMiddleware / response._csp_config",
        DJANGO,
        "cms.serving.csp, cms.serving.cache, cms.headless.preview, leads.middleware",
        "a response's own policy (admin, headless preview, reCAPTCHA pages)",
        _check_csp_config,
    ),
    Upstream(
        "wagtail.admin.viewsets.pages.base_page_viewset.add_view_class / CreateView.form_valid",
        WAGTAIL,
        "cms.serving.patches.install_create_page_view, cms.page_editing.CreatePageView",
        "patched: a crossed save of a new page answers with the form, not a server error",
        _check_create_page_view,
    ),
    Upstream(
        "wagtail.images.models.AbstractImage.get_rendition / get_renditions",
        WAGTAIL,
        "cms.serving.patches.install_template_renditions",
        "patched: template renditions kept per content version within a request (measured: "
        "a tenth of an uncached article page)",
        _check_image_renditions,
    ),
    Upstream(
        "wagtail.images.models.AbstractImage._set_image_file_metadata",
        WAGTAIL,
        "blog.importing.pages",
        "imported images get their size and hash as an upload would",
        _check_image_file_metadata,
    ),
    Upstream(
        "django.utils.html._json_script_escapes",
        DJANGO,
        "home.templatetags.home_tags",
        "JSON-LD is escaped exactly as Django's json_script escapes",
        _check_json_script_escapes,
    ),
    Upstream(
        "rest_framework.serializers.Serializer.fields / get_fields, Field.bind",
        DRF,
        "cms.headless.viewsets.PrototypeFields",
        "a page serializer's fields are built once per serializer class and copied for each "
        "request (measured: a sixth of an uncached API detail's profile)",
        _check_serializer_fields,
    ),
    Upstream(
        "kombu.transport.redis.Channel._connparams (QoS.restore_unacked -> conn_or_acquire -> "
        "pool), kombu.transport.virtual.Transport.Channel",
        KOMBU,
        "cms.serving.patches.RedisTransport, selected by CELERY_BROKER_TRANSPORT (cms.settings)",
        "a worker whose broker drops while it holds an unacked message reconnects instead of "
        "exiting on AttributeError('hostname')",
        _check_redis_channel_connparams,
    ),
    Upstream(
        "django.core.cache.backends.redis.RedisCache._cache (RedisCacheClient.get_client)",
        DJANGO,
        "insights.counting.increment, insights.services.flush_counters, "
        "cms.serving.resilient_cache (its probe)",
        "a page view is one pipelined HINCRBY on the cache's own connection pool; the flush "
        "renames and reads the day's hash",
        _check_redis_cache_client,
    ),
    Upstream(
        "wagtail/admin/templates/wagtailadmin/shared/side_panels/status.html",
        WAGTAIL,
        "templates/wagtailadmin/shared/side_panels/status.html (insights_page_figures)",
        "the page editor's status panel shows the page's figures; Wagtail has no hook to add a "
        "side panel",
        _check_status_side_panel_template,
    ),
)
