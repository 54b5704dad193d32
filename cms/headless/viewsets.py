"""The generic headless API endpoints: pages, images, documents, snippets and previews.

Every endpoint of the API builds on these classes: `PublicAPIMixin` (OpenAPI description, compact
JSON, strict query parameters), `PagesAPIViewSet` (public pages only, loaded in a fixed number of
queries, rich text as final HTML), `SnippetAPIViewSet` (a snippet's public representation). Apps
subclass them for their own models and register page loaders; `cms/api.py` wires the router.

The pages endpoint serves live, public pages only (a page under any view restriction never
appears, whoever asks), so one cached response serves every client. Rich text is final HTML: the
`rich_text_format` parameter of stock Wagtail is not offered, so no response carries `linktype=`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from rest_framework.fields import Field
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer
from wagtail.api import APIField
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.serializers import PageParentField, get_serializer_class
from wagtail.api.v2.serializers import PageSerializer as WagtailPageSerializer
from wagtail.api.v2.utils import BadRequestError, get_object_detail_url
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.api.v2.views import PagesAPIViewSet as WagtailPagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction, Page

from cms.headless.fields import IMAGE_SCHEMA, SchemaField
from cms.headless.openapi import (
    JSON,
    PAGE_FILTER_PARAMS,
    OpenAPIDescribed,
    _param,
    endpoint_paths,
    page_listing_schema,
    page_schema,
    page_union,
    public_page_models,
)
from cms.headless.preview import PreviewError, load_preview
from cms.headless.redirects import (
    FOLLOWED_SCHEMA,
    REDIRECT_PAGE_SCHEMA,
    REDIRECT_SCHEMA,
    find_redirect,
    followed_response,
    has_query,
    target_page,
)
from cms.headless.representation import (
    image_representation,
    media_url,
    snippet_representation,
)
from cms.serving.prefetch import prefetch_streams, rich_text_links
from cms.serving.refdata import is_public, kept, memoized, public_q, site_for_request

MAX_OFFSET = 2**31 - 1


class PublicAPIMixin(OpenAPIDescribed):
    """What every endpoint of ours shares: described in OpenAPI, refuses NUL in parameters."""

    def get_renderer_context(self):
        # Compact JSON: Wagtail indents by 4, which costs a third more bytes and encoding time.
        context = super().get_renderer_context()
        context["indent"] = None
        return context

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if any("\x00" in key or "\x00" in value for key, value in request.GET.items()):
            raise BadRequestError("query parameters must not contain null characters")
        for name in ("limit", "offset", "id"):
            value = request.GET.get(name)
            if value is not None and not (value.isascii() and value.isdigit()):
                raise BadRequestError(f"{name} must be a whole number")
        if "limit" in request.GET and int(request.GET["limit"]) < 1:
            raise BadRequestError("limit must be at least 1")
        if int(request.GET.get("offset", "0")) > MAX_OFFSET:
            raise BadRequestError(f"offset cannot be higher than {MAX_OFFSET}")
        if request.GET.get("search_operator", "and") not in {"and", "or"}:
            raise BadRequestError("search_operator must be 'and' or 'or'")
        if request.GET.get("type", None) == "":
            raise BadRequestError("type must name a page type")


# Pages ----------------------------------------------------------------------------------------

PAGE_QUERYSETS: dict[type, Callable[[QuerySet], QuerySet]] = {}


def register_page_queryset(model: type[Page], prepare: Callable[[QuerySet], QuerySet]) -> None:
    """How to load `model` for the API in a fixed number of queries (select/prefetch related)."""
    PAGE_QUERYSETS[model] = prepare


PAGE_LOADERS: dict[type, Callable[[list], None]] = {}


def register_page_loader(model: type[Page], load: Callable[[list], None]) -> None:
    """What to load for a list of loaded `model` pages at once (relations, in one query)."""
    PAGE_LOADERS[model] = load


def prepare_pages(queryset: QuerySet) -> QuerySet:
    prepare = PAGE_QUERYSETS.get(queryset.model)
    return prepare(queryset) if prepare else queryset


def load_pages(pages: list) -> None:
    by_model: dict[type, list] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    for model, group in by_model.items():
        load = PAGE_LOADERS.get(model)
        if load is not None:
            load(group)


# Never a page id: stands for the id in the detail query compiled once (PagesAPIViewSet).
_ANY_ID = -7_777_777
_NO_SITE = object()


class _Compiled(NamedTuple):
    queryset: QuerySet
    compiler: Any
    sql: str
    params: tuple


def _with_id(compiled: _Compiled, pk: int) -> QuerySet:
    """The compiled query's queryset for page `pk`: the same SQL, compiled no more.

    A copy of the compiler that ran once (its select list, related-object map and converters
    are what the queryset's iterable reads) answers `as_sql` with the kept SQL and this id."""
    params = tuple(pk if value == _ANY_ID else value for value in compiled.params)
    compiler = copy.copy(compiled.compiler)
    # The kept compiler holds the connection of the thread that built it; a threaded server
    # (gunicorn's gthread workers, the test live server) runs this in another thread, where
    # Django refuses another thread's connection (a 500 found by the API fuzz test).
    compiler.connection = connections[compiler.using]
    compiler.as_sql = lambda *args, **kwargs: (compiled.sql, params)
    queryset = compiled.queryset._chain()
    queryset.query.get_compiler = lambda *args, **kwargs: compiler
    return queryset


_PROTOTYPES: dict[type, list[tuple[str, Field, bool]]] = {}


def _compound(field: Field) -> bool:
    """A field that holds fields of its own (a nested serializer, a list's child), bound to it."""
    return isinstance(field, BaseSerializer) or any(
        isinstance(value, Field) for value in vars(field).values()
    )


def _clone(field: Field) -> Field:
    """An unbound copy of an unbound field: its attributes, without running `__init__` again."""
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


class PrototypeFields:
    """DRF builds every field of a serializer anew for each serializer instance, that is for
    every request (`get_fields`: the declared fields deep-copied, each model field worked out
    and constructed: 39 `Field.__init__` calls for an article). What `get_fields` returns depends
    only on the serializer class (Wagtail builds one per model and `fields` choice), so it is
    built once per class and kept unbound; each instance gets copies, which DRF then binds to
    it as usual. A field holding fields of its own is deep-copied as DRF does."""

    def get_fields(self):
        cls = type(self)
        prototypes = _PROTOTYPES.get(cls)
        if prototypes is None:
            if len(_PROTOTYPES) >= 1024:  # classes come from the client's `fields`
                _PROTOTYPES.clear()
            built = super().get_fields()
            prototypes = [(name, field, _compound(field)) for name, field in built.items()]
            _PROTOTYPES[cls] = prototypes
        return {
            name: copy.deepcopy(field) if compound else _clone(field)
            for name, field, compound in prototypes
        }


class NestedPageSerializer(PrototypeFields, WagtailPageSerializer):
    """Wagtail's representation of a page another page refers to (`meta.parent`)."""


_NESTED: dict[type, type] = {}


def nested_page_serializer(model: type[Page]) -> type:
    """Wagtail's serializer class for a referred page, built once per model (Wagtail builds a
    class, and with it every field, each time)."""
    found = _NESTED.get(model)
    if found is None:
        found = _NESTED[model] = get_serializer_class(
            model,
            ["id", "type", "detail_url", "html_url", "title"],
            meta_fields=["type", "detail_url", "html_url"],
            base=NestedPageSerializer,
        )
    return found


class ParentField(PageParentField):
    """`meta.parent`: the parent when it is served too; reference data, not two queries."""

    def get_attribute(self, instance):
        base_queryset = self.context["base_queryset"]
        site = site_for_request(self.context.get("request"))

        def load():
            parent = instance.get_parent()
            if parent is not None and base_queryset.filter(id=parent.id).exists():
                return parent
            return None

        return memoized(("api_parent", instance.path, site.pk if site else None), load)

    def to_representation(self, value):
        return nested_page_serializer(type(value))(context=self.context).to_representation(value)


def page_model(pk: int) -> type[Page]:
    """The specific model of page `pk` (a page never changes type); Http404 when there is none."""
    key = ("page_model", pk)
    model = kept(key)
    if model is None:
        content_type_id = Page.objects.filter(pk=pk).values_list("content_type", flat=True).first()
        if content_type_id is None:
            raise Http404("no public page with this id")
        found = ContentType.objects.get_for_id(content_type_id).model_class() or Page
        model = memoized(key, lambda: found)
    return model


class PageSerializer(PrototypeFields, WagtailPageSerializer):
    parent = ParentField(read_only=True)

    def to_representation(self, instance):
        """Wagtail's page, with its type also at the top (`type`, next to `id`), so a typed
        client narrows the page on one property; `meta.type` stays. `id` and `type` are always
        there, whatever `fields` drops."""
        data = super().to_representation(instance)
        model = instance.specific_class or type(instance)
        data.pop("id", None)
        ordered = {"id": instance.pk, "type": f"{model._meta.app_label}.{model.__name__}"}
        ordered.update(data)
        return ordered


class PagesAPIViewSet(PublicAPIMixin, WagtailPagesAPIViewSet):
    """Wagtail's pages endpoint: public pages only, batched loading, final HTML rich text."""

    base_serializer_class = PageSerializer
    # When the public version was last published: what a frontend's "updated" date and
    # cache revalidation go by (first_published_at is Wagtail's own).
    meta_fields = [*WagtailPagesAPIViewSet.meta_fields, "last_published_at"]
    listing_default_fields = [*WagtailPagesAPIViewSet.listing_default_fields, "last_published_at"]

    known_query_parameters = WagtailPagesAPIViewSet.known_query_parameters - {
        "rich_text_format",
        "translation_of",
        "locale",
    }
    filter_backends = [
        backend
        for backend in WagtailPagesAPIViewSet.filter_backends
        if backend.__name__ not in {"TranslationOfFilter", "LocaleFilter"}
    ]

    def resolve_rich_text_format(self):
        return "html"

    _serializer_classes: dict[tuple, type] = {}

    @classmethod
    def _get_serializer_class(cls, router, model, fields_config, show_details=False, nested=False):
        """Wagtail builds a serializer class for every request; it depends only on these
        arguments, so each is built once (at most 256 kept: `fields` comes from the client)."""
        key = (cls, id(router), model, repr(fields_config), show_details, nested)
        found = cls._serializer_classes.get(key)
        if found is None:
            if len(cls._serializer_classes) >= 256:
                cls._serializer_classes.clear()
            found = super()._get_serializer_class(
                router, model, fields_config, show_details=show_details, nested=nested
            )
            cls._serializer_classes[key] = found
        return found

    def get_base_queryset(self):
        """Live pages of the requested site that no view restriction covers.

        Wagtail's `get_public_pages_queryset` lets through restricted pages the requester may
        see (a password given in this session); here they are private to everyone, so a
        logged-in editor's session cannot change what is cached. The restrictions and the site
        come from the reference data (cms.serving.refdata): no query of their own.
        """
        if not hasattr(self, "_base_queryset"):
            self._base_queryset = self.visible(Page.objects.all())
        return self._base_queryset

    def get_serializer_context(self):
        """Wagtail's context, with the base queryset built when a field first reads it: a
        detail is loaded by its own compiled query, and its parent is reference data, so
        building the queryset (about a tenth of an uncached detail's CPU) is mostly not needed."""
        context = BaseAPIViewSet.get_serializer_context(self)
        context["base_queryset"] = SimpleLazyObject(self.get_base_queryset)
        return context

    def _site(self):
        try:
            return SiteFilterValidator(
                site=self.request.GET.get("site"), request=self.request
            ).site_obj
        except ValueError as exc:
            raise BadRequestError(str(exc)) from exc

    def visible(self, queryset: QuerySet, site: Any = _NO_SITE) -> QuerySet:
        """`queryset` (of any page model) narrowed to what the base queryset serves."""
        if site is _NO_SITE:
            site = self._site()
        if site is None:
            return queryset.none()
        return queryset.live().filter(public_q()).filter(path__startswith=site.root_page.path)

    def get_queryset(self):
        return prepare_pages(super().get_queryset().select_related("locale"))

    def get_object(self):
        """The page, loaded as its own type in one query (its type is reference data)."""
        if not hasattr(self, "_cached_object"):
            pk = int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
            model = page_model(pk)
            site = self._site()
            built = None
            if site is not None:
                built = memoized(
                    ("api_detail_query", model, site.pk), lambda: self._detail_query(model, site)
                )
            if built is None:
                page = next(iter(self._detail_queryset(model, site, pk)), None)
            else:
                page = next(iter(_with_id(built, pk)), None)
            if page is None:
                raise Http404("no public page with this id")
            load_pages([page])
            self._cached_object = page
        return self._cached_object

    def _detail_queryset(self, model: type[Page], site: Any, pk: int) -> QuerySet:
        queryset = self.visible(model.objects.filter(pk=pk), site).select_related("locale")
        # One row at most: no ORDER BY (Django hashes each selected column to build one).
        return prepare_pages(queryset).order_by()[:1]

    def _detail_query(self, model: type[Page], site: Any) -> _Compiled | None:
        """The detail query of `model` on `site`, compiled once per content version.

        Compiling it (the join up to `Page` and the selected images: 50-60 columns) took the ORM
        several ms of CPU per request; PostgreSQL answers it in a fraction of that. The view
        restrictions and the site's root are in its SQL, so it is kept under the content version.
        """
        queryset = self._detail_queryset(model, site, _ANY_ID)
        compiler = queryset.query.get_compiler(using=queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return None
        if list(params).count(_ANY_ID) != 1:
            return None
        return _Compiled(queryset, compiler, sql, tuple(params))

    def paginate_queryset(self, queryset):
        pages = list(super().paginate_queryset(queryset))
        load_pages(pages)
        prefetch_streams(pages)
        return pages

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        pages = self.paginate_queryset(queryset)
        with rich_text_links(pages):
            data = self.get_serializer(pages, many=True).data
        return self.get_paginated_response(data)

    def detail_view(self, request, pk):
        page = self.get_object()
        with rich_text_links([page]):
            data = self.get_serializer(page).data
        return Response(data)

    def filter_queryset(self, queryset):
        try:
            return super().filter_queryset(queryset)
        except BadRequestError as exc:
            # child_of/descendant_of/ancestor_of name a page that is not public: not found.
            if str(exc).endswith("page doesn't exist"):
                raise Http404(str(exc)) from exc
            raise

    def find_object(self, queryset, request):
        if "html_path" in request.GET and "\x00" in request.GET["html_path"]:
            raise BadRequestError("html_path must not contain null characters")
        return super().find_object(queryset, request)

    def find_view(self, request):
        """A page by path or id; an old path answers 301 with the new page's detail URL.

        As on the HTML site: a redirect for the path with its query string (`/?p=1724`) wins
        even where the bare path is a page; a redirect for the bare path only where no page is.
        """
        html_path = request.GET.get("html_path")
        if html_path is None or "\x00" in html_path:
            return super().find_view(request)
        redirect = None
        if has_query(html_path):
            redirect = find_redirect(request, html_path, bare_path=False)
        if redirect is None:
            if self.find_object(self.get_queryset(), request) is not None:
                return super().find_view(request)
            redirect = find_redirect(request, html_path)
        if redirect is None or redirect.link is None:
            raise Http404("no public page or redirect at this path")
        page = target_page(redirect, request, self.get_base_queryset())
        if redirect.redirect_page_id and page is None:
            raise Http404("no public page or redirect at this path")
        query = request.GET.copy()
        for name in self.find_query_parameters:
            query.pop(name, None)
        return followed_response(request, redirect, page, query.urlencode())

    @classmethod
    def openapi_paths(cls, base: str, name: str, schemas: dict[str, JSON]) -> dict[str, JSON]:
        paths = super().openapi_paths(base, name, schemas)
        find = paths[base + "find/"]["get"]
        find["description"] = (
            "Finds a page by path or id and redirects (302) to its detail URL. An old path "
            "with a redirect (an editor's or an imported WordPress URL) answers 301 (302 for "
            "a temporary redirect) with `Location` set to the new page's detail URL, or to the "
            "target URL when it is not a page of this site."
        )
        moved = {
            "description": "Moved: `Location` is the new page's detail URL (or external URL).",
            "headers": {"Location": {"schema": {"type": "string"}}},
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/RedirectFollowed"}}
            },
        }
        find["responses"] = {"301": moved, **find["responses"]}
        find["responses"]["302"]["description"] = (
            "Found, or moved by a temporary redirect: `Location` is the detail URL."
        )
        return paths

    @classmethod
    def openapi_describe(cls, schemas: dict[str, JSON]):
        details, items = {}, {}
        for model in public_page_models():
            name = model.__name__
            schemas[name] = page_schema(model)
            schemas[f"{name}ListItem"] = page_listing_schema(model, cls.detail_only_fields)
            details[model._meta.label] = name
            items[model._meta.label] = f"{name}ListItem"
        schemas["PageDetail"] = page_union(details)
        schemas["PageListItem"] = page_union(items)
        item = {"$ref": "#/components/schemas/PageListItem"}
        detail = {"$ref": "#/components/schemas/PageDetail"}
        schemas["RedirectFollowed"] = FOLLOWED_SCHEMA
        find = [
            _param(
                "html_path",
                "A public path such as `/articles/my-article/`, or an old URL with its query "
                "string (`/?p=1724`): a redirect is followed.",
            ),
            _param("id", "A page id.", {"type": "integer"}),
        ]
        labels = sorted(model._meta.label for model in public_page_models())
        params = [
            _param(
                "type",
                "Only pages of this type; its own fields can then be asked for with `fields`.",
                {"type": "string", "enum": labels},
            )
            if param["name"] == "type"
            else param
            for param in PAGE_FILTER_PARAMS
        ]
        return item, detail, params, find


class RedirectsAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """`/api/v2/redirects/`: every redirect of the requested site, and `find/?html_path=`."""

    name = "redirects"
    model = Redirect
    filter_backends: list = []
    known_query_parameters = frozenset(["limit", "offset", "format"])
    find_query_parameters = frozenset(["id", "html_path"])
    body_fields = ["id"]
    listing_default_fields = ["id"]

    def get_queryset(self) -> QuerySet:
        site = site_for_request(self.request)
        queryset = Redirect.objects.select_related("redirect_page", "site").order_by("id")
        if site is None:
            return queryset.none()
        # A redirect to a draft or private page would name it: only public targets are listed.
        return queryset.filter(Q(site=site) | Q(site=None)).filter(
            Q(redirect_page=None) | Q(redirect_page__live=True)
        )

    def represent(self, redirect: Redirect) -> dict[str, Any] | None:
        page = redirect.redirect_page
        if page is not None and not is_public(page):
            return None
        page_json = None
        if page is not None:
            page_json = {
                "id": page.pk,
                "title": page.title,
                "url": page.specific_deferred.url or "",
                "detail_url": get_object_detail_url(
                    self.request.wagtailapi_router, self.request, Page, page.pk
                ),
            }
        return {
            "id": redirect.pk,
            "old_path": redirect.old_path,
            "location": redirect.link or "",
            "is_permanent": redirect.is_permanent,
            "site": redirect.site.hostname if redirect.site_id else None,
            "page": page_json,
        }

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        items = self.paginate_queryset(queryset)
        data = [item for item in map(self.represent, items) if item is not None]
        return self.get_paginated_response(data)

    def detail_view(self, request, pk):
        item = self.represent(self.get_object())
        if item is None:
            raise Http404("not found")
        return Response(item)

    def find_object(self, queryset, request):
        if "html_path" in request.GET:
            if "\x00" in request.GET["html_path"]:
                raise BadRequestError("html_path must not contain null characters")
            redirect = find_redirect(request, request.GET["html_path"])
            if redirect is None or not queryset.filter(pk=redirect.pk).exists():
                raise Http404("no redirect for this path")
            return redirect
        return super().find_object(queryset, request)

    @classmethod
    def openapi_describe(cls, schemas: dict[str, JSON]):
        schemas["Redirect"] = REDIRECT_SCHEMA
        schemas["RedirectFollowed"] = FOLLOWED_SCHEMA
        schemas["RedirectPage"] = REDIRECT_PAGE_SCHEMA
        ref = {"$ref": "#/components/schemas/Redirect"}
        find = [
            _param("html_path", "An old path, with its query string (`/?p=1724`)."),
            _param("id", "A redirect id.", {"type": "integer"}),
        ]
        return ref, ref, [], find

    @classmethod
    def openapi_paths(cls, base: str, name: str, schemas: dict[str, JSON]) -> dict[str, JSON]:
        item, detail, params, find = cls.openapi_describe(schemas)
        paths = endpoint_paths(base, name, item, detail, params, find)
        listing = paths[base]["get"]
        listing["parameters"] = listing["parameters"][:2]
        paths[base + "{id}/"]["get"]["parameters"] = paths[base + "{id}/"]["get"]["parameters"][:1]
        listing["summary"] = "List the redirects of the requested site"
        listing["description"] = (
            "Site-wide and imported redirects (old WordPress URLs included), so a static "
            "frontend can emit them as its own redirect rules."
        )
        return paths


# Images and documents -------------------------------------------------------------------------


def _object_meta(extra: JSON) -> JSON:
    return {
        "type": "object",
        "properties": {
            "type": {"type": "string"},
            "detail_url": {"type": "string"},
            **extra,
        },
        "required": ["type", "detail_url"],
        "additionalProperties": False,
    }


def _public_collections_only(queryset: QuerySet) -> QuerySet:
    restricted = CollectionViewRestriction.objects.values_list("collection_id", flat=True)
    return queryset.exclude(collection__in=list(restricted))


class ImagesAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """Images in public collections, with alt text and renditions for `srcset`."""

    filter_backends = [FieldsFilter, OrderingFilter, SearchFilter]
    known_query_parameters = BaseAPIViewSet.known_query_parameters - {"rich_text_format"}
    body_fields = [
        *BaseAPIViewSet.body_fields,
        "title",
        "width",
        "height",
        APIField("image", serializer=SchemaField(IMAGE_SCHEMA, image_representation, source="*")),
    ]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "title", "image"]
    nested_default_fields = [*BaseAPIViewSet.nested_default_fields, "title"]
    name = "images"
    model = get_image_model()

    def get_queryset(self):
        queryset = self.model.objects.all().order_by("id")
        return _public_collections_only(queryset).prefetch_renditions()

    @classmethod
    def openapi_describe(cls, schemas: dict[str, JSON]):
        item = {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "meta": _object_meta({"tags": {"type": "array", "items": {"type": "string"}}}),
                "title": {"type": "string"},
                "width": {"type": "integer"},
                "height": {"type": "integer"},
                "image": {"$ref": "#/components/schemas/Image"},
            },
            "required": ["id", "meta", "title", "image"],
            "additionalProperties": False,
        }
        schemas["ImageItem"] = item
        ref = {"$ref": "#/components/schemas/ImageItem"}
        return ref, ref, [], [_param("id", "An image id.", {"type": "integer"})]


def _document_url(document) -> str:
    return media_url(document.url)


class DocumentsAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """Documents in public collections: title and download URL."""

    filter_backends = [FieldsFilter, OrderingFilter, SearchFilter]
    known_query_parameters = BaseAPIViewSet.known_query_parameters - {"rich_text_format"}
    body_fields = [
        *BaseAPIViewSet.body_fields,
        "title",
        APIField(
            "download_url",
            serializer=SchemaField({"type": "string"}, _document_url, source="*"),
        ),
    ]
    listing_default_fields = [*BaseAPIViewSet.listing_default_fields, "title", "download_url"]
    nested_default_fields = [*BaseAPIViewSet.nested_default_fields, "title", "download_url"]
    name = "documents"
    model = get_document_model()

    def get_queryset(self):
        return _public_collections_only(self.model.objects.all().order_by("id"))

    @classmethod
    def openapi_describe(cls, schemas: dict[str, JSON]):
        item = {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "meta": _object_meta(
                    {
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "download_url": {"type": "string"},
                    }
                ),
                "title": {"type": "string"},
                "download_url": {"type": "string"},
            },
            "required": ["id", "meta", "title", "download_url"],
            "additionalProperties": False,
        }
        schemas["Document"] = item
        ref = {"$ref": "#/components/schemas/Document"}
        return ref, ref, [], [_param("id", "A document id.", {"type": "integer"})]


# Snippets -------------------------------------------------------------------------------------


class SnippetAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """A snippet endpoint whose items are the snippet's public `api_representation`."""

    filter_backends = [OrderingFilter]
    known_query_parameters = frozenset(["limit", "offset", "order", "fields", "format"])
    body_fields = ["id"]
    listing_default_fields = ["id"]
    item_schema: JSON = {}
    schema_name = ""

    def listing_view(self, request):
        queryset = self.get_queryset()
        self.check_query_parameters(queryset)
        queryset = self.filter_queryset(queryset)
        items = self.paginate_queryset(queryset)
        return self.get_paginated_response([self.represent(obj) for obj in items])

    def detail_view(self, request, pk):
        return Response(self.represent(self.get_object()))

    def represent(self, obj) -> dict[str, Any]:
        return snippet_representation(obj, {"request": self.request})

    @classmethod
    def openapi_describe(cls, schemas: dict[str, JSON]):
        schemas[cls.schema_name] = cls.item_schema
        ref = {"$ref": f"#/components/schemas/{cls.schema_name}"}
        return ref, ref, [], [_param("id", "An id.", {"type": "integer"})]


class PreviewAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """`/api/v2/preview/?content_type=&token=`: a draft, shaped like the pages detail."""

    name = "preview"
    model = Page

    def listing_view(self, request):
        content_type = request.GET.get("content_type", "")
        token = request.GET.get("token", "")
        if not content_type or not token:
            raise BadRequestError("content_type and token are required")
        try:
            page = load_preview(content_type, token)
        except (PreviewError, LookupError, ValueError) as exc:
            raise Http404("no preview for this token") from exc
        router = request.wagtailapi_router
        endpoint = router._endpoints["pages"]
        serializer_class = endpoint._get_serializer_class(router, type(page), [], show_details=True)
        context = {
            "request": request,
            "view": self,
            "router": router,
            "_wagtail_rich_text_format": "html",
            "base_queryset": Page.objects.live().public(),
        }
        with rich_text_links([page]):
            data = serializer_class(page, context=context).data
        response = Response(data)
        response["Cache-Control"] = "no-store"
        return response

    @classmethod
    def get_urlpatterns(cls):
        from django.urls import path

        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def openapi_paths(cls, base: str, name: str, schemas: dict[str, JSON]) -> dict[str, JSON]:
        paths = endpoint_paths(base, name, {}, {}, [], [])
        operation = paths[base]["get"]
        operation["description"] = (
            "The draft an editor is previewing, in the shape of `/pages/{id}/`. The frontend "
            "preview URL receives `content_type` and `token`; the token expires."
        )
        required = {"required": True}
        operation["parameters"] = [
            {**_param("content_type", "e.g. `blog.blogpage`."), **required},
            {**_param("token", "The preview token."), **required},
        ]
        operation["responses"] = {
            "200": {
                "description": "The draft.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/PageDetail"}}
                },
            },
            **{code: paths[base + "{id}/"]["get"]["responses"][code] for code in ("400", "404")},
        }
        return {base: paths[base]}
