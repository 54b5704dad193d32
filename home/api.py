"""API endpoints of the practice core: pages (base), images, documents, calls to action, practice.

The pages endpoint serves live, public pages only (a page under any view restriction never
appears, whoever asks), so one cached response serves every client. Rich text is final HTML: the
`rich_text_format` parameter of stock Wagtail is not offered, so no response carries `linktype=`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import Http404, JsonResponse
from django.views.decorators.http import require_GET
from rest_framework.response import Response
from wagtail.api import APIField
from wagtail.api.v2.filters import FieldsFilter, OrderingFilter, SearchFilter
from wagtail.api.v2.serializers import PageParentField
from wagtail.api.v2.serializers import PageSerializer as WagtailPageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import BaseAPIViewSet
from wagtail.api.v2.views import PagesAPIViewSet as WagtailPagesAPIViewSet
from wagtail.api.validators import SiteFilterValidator
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import CollectionViewRestriction, Page

from home.api_fields import (
    IMAGE_SCHEMA,
    PAGE_LINK_SCHEMA,
    SchemaField,
    nullable,
)
from home.api_prefetch import prefetch_streams, rich_text_links
from home.api_preview import PreviewError, load_preview
from home.api_representation import image_representation, snippet_representation
from home.blocks import CallToActionBlock, EmbedBlock, HeadingBlock, ImageBlock, ProfileLinkBlock
from home.models import CallToAction, PracticeSettings
from home.openapi import (
    GENERIC_PAGE_SCHEMA,
    JSON,
    PAGE_FILTER_PARAMS,
    OpenAPIDescribed,
    _param,
    build_openapi,
    endpoint_paths,
    page_schema,
    public_page_models,
    register_block_schema,
    register_operation,
    register_snippet_schema,
)
from home.refdata import kept, memoized, public_q, site_for_request

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


_BUILT_FIELDS: dict[tuple, tuple] = {}


class PageSerializer(WagtailPageSerializer):
    parent = ParentField(read_only=True)

    def build_field(self, field_name, info, model_class, nested_depth):
        """DRF works out each model field's serializer field for every serializer instance; for
        a plain model field the answer depends only on the model and the field, so it is worked
        out once."""
        if field_name not in info.fields_and_pk:
            # Relations (child relations take the serializer chosen by `fields`) and
            # properties: worked out each time, as DRF does.
            return super().build_field(field_name, info, model_class, nested_depth)
        key = (model_class, field_name, nested_depth)
        built = _BUILT_FIELDS.get(key)
        if built is None:
            built = _BUILT_FIELDS[key] = super().build_field(
                field_name, info, model_class, nested_depth
            )
        field_class, field_kwargs = built
        return field_class, dict(field_kwargs)


class PagesAPIViewSet(PublicAPIMixin, WagtailPagesAPIViewSet):
    """Wagtail's pages endpoint: public pages only, batched loading, final HTML rich text."""

    base_serializer_class = PageSerializer

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
        come from the reference data (home.refdata): no query of their own.
        """
        if not hasattr(self, "_base_queryset"):
            self._base_queryset = self.visible(Page.objects.all())
        return self._base_queryset

    def visible(self, queryset: QuerySet) -> QuerySet:
        """`queryset` (of any page model) narrowed to what the base queryset serves."""
        try:
            site = SiteFilterValidator(
                site=self.request.GET.get("site"), request=self.request
            ).site_obj
        except ValueError as exc:
            raise BadRequestError(str(exc)) from exc
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
            queryset = self.visible(model.objects.filter(pk=pk)).select_related("locale")
            page = prepare_pages(queryset).first()
            if page is None:
                raise Http404("no public page with this id")
            load_pages([page])
            self._cached_object = page
        return self._cached_object

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

    @classmethod
    def openapi_describe(cls, schemas: dict[str, JSON]):
        branches = []
        for model in public_page_models():
            schemas[f"{model.__name__}"] = page_schema(model)
            branches.append({"$ref": f"#/components/schemas/{model.__name__}"})
        schemas["Page"] = GENERIC_PAGE_SCHEMA
        item = {"anyOf": [*branches, {"$ref": "#/components/schemas/Page"}]}
        find = [
            _param("html_path", "A public path such as `/articles/my-article/`."),
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
        return item, item, params, find


# Images and documents -------------------------------------------------------------------------


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
                "meta": {"type": "object"},
                "title": {"type": "string"},
                "width": {"type": "integer"},
                "height": {"type": "integer"},
                "image": {"$ref": "#/components/schemas/Image"},
            },
        }
        schemas["ImageItem"] = item
        ref = {"$ref": "#/components/schemas/ImageItem"}
        return ref, ref, [], [_param("id", "An image id.", {"type": "integer"})]


def _document_url(document) -> str:
    return document.url


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
                "meta": {"type": "object"},
                "title": {"type": "string"},
                "download_url": {"type": "string"},
            },
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


CTA_SCHEMA: JSON = {
    "type": "object",
    "description": "A call to action with its resolved button (`tel:` link, page or form).",
    "properties": {
        "id": {"type": "integer"},
        "heading": {"type": "string"},
        "text": {"type": "string"},
        "action": {"type": "string", "enum": ["call", "booking", "page", "form"]},
        "page": nullable(PAGE_LINK_SCHEMA),
        "button": {
            "type": "object",
            "properties": {"href": {"type": "string"}, "label": {"type": "string"}},
            "required": ["href", "label"],
        },
        "emphasis": {"type": "string", "enum": ["strong", "standard", "quiet"]},
    },
    "required": ["id", "heading", "text", "action", "page", "button", "emphasis"],
}
register_snippet_schema(CallToAction, CTA_SCHEMA)


class CallToActionAPIViewSet(SnippetAPIViewSet):
    name = "ctas"
    model = CallToAction
    item_schema = CTA_SCHEMA
    schema_name = "CallToAction"

    def get_queryset(self):
        return CallToAction.objects.select_related("link_page").order_by("id")


# Practice -------------------------------------------------------------------------------------

PRACTICE_SCHEMA: JSON = {
    "type": "object",
    "description": "The practice's public contact details for the requested site.",
    "properties": {
        "name": {"type": "string"},
        "phone": {"type": "string"},
        "phone_href": {"type": "string", "description": "`tel:+1...`, or empty"},
        "email": {"type": "string"},
        "address": {
            "type": "object",
            "properties": {
                "street_address": {"type": "string"},
                "locality": {"type": "string"},
                "region": {"type": "string"},
                "postal_code": {"type": "string"},
                "country": {"type": "string"},
                "one_line": {"type": "string"},
            },
        },
        "service_area": {"type": "string"},
        "booking_url": {"type": "string"},
        "consultation_url": {"type": "string"},
        "privacy_policy_url": {"type": "string"},
        "crisis_notice": {"type": "string"},
        "footer_text": {"type": "string"},
        "header_cta": {
            "type": "object",
            "properties": {"href": {"type": "string"}, "label": {"type": "string"}},
        },
        "profiles": {"type": "array", "items": {"type": "object"}},
        "share_image": nullable(IMAGE_SCHEMA),
    },
    "required": ["name", "phone", "phone_href", "email", "address", "crisis_notice"],
}


def practice_representation(practice: PracticeSettings, context: dict) -> dict[str, Any]:
    """Public contact details only: never staff addresses or notification settings."""
    header = practice.header_action()
    return {
        "name": practice.practice_name,
        "phone": practice.phone,
        "phone_href": practice.phone_href,
        "email": practice.email,
        "address": {
            "street_address": practice.street_address,
            "locality": practice.locality,
            "region": practice.region,
            "postal_code": practice.postal_code,
            "country": practice.country,
            "one_line": practice.postal_address,
        },
        "service_area": practice.service_area,
        "booking_url": practice.booking_url,
        "consultation_url": practice.consultation_url,
        "privacy_policy_url": practice.privacy_policy_url,
        "crisis_notice": practice.crisis_notice,
        "footer_text": practice.footer_text,
        "header_cta": {"href": header.href, "label": header.label},
        "profiles": practice.social_links.stream_block.get_api_representation(
            practice.social_links, context
        ),
        "share_image": image_representation(practice.default_share_image),
    }


class PracticeAPIViewSet(PublicAPIMixin, BaseAPIViewSet):
    """`/api/v2/practice/`: one object, the requested site's practice details."""

    name = "practice"
    model = PracticeSettings

    def listing_view(self, request):
        unknown = set(request.GET) - {"format"}
        if unknown:
            raise BadRequestError(
                "practice takes no query parameters: " + ", ".join(sorted(unknown))
            )
        practice = PracticeSettings.for_request(request)
        return Response(practice_representation(practice, {"request": request}))

    @classmethod
    def get_urlpatterns(cls):
        from django.urls import path

        return [path("", cls.as_view({"get": "listing_view"}), name="listing")]

    @classmethod
    def openapi_paths(cls, base: str, name: str, schemas: dict[str, JSON]) -> dict[str, JSON]:
        schemas["Practice"] = PRACTICE_SCHEMA
        paths = endpoint_paths(base, name, {}, {}, [], [])
        operation = paths[base]["get"]
        operation["parameters"] = []
        operation["responses"]["200"]["content"]["application/json"]["schema"] = {
            "$ref": "#/components/schemas/Practice"
        }
        return {base: paths[base]}


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
                    "application/json": {
                        "schema": {
                            "anyOf": [
                                {"$ref": f"#/components/schemas/{model.__name__}"}
                                for model in public_page_models()
                            ]
                        }
                    }
                },
            },
            **{code: paths[base + "{id}/"]["get"]["responses"][code] for code in ("400", "404")},
        }
        return {base: paths[base]}


def not_found(request, *args, **kwargs):
    """Anything under /api/ that no endpoint serves: a JSON 404, not the site's HTML page."""
    return JsonResponse({"message": "not found"}, status=404)


@require_GET
def ping(request):
    """A constant answer from the full stack: the benchmark's ceiling and a liveness probe."""
    return JsonResponse({"status": "ok"})


# Blocks with their own API form ---------------------------------------------------------------

BUTTON_SCHEMA = {
    "type": "object",
    "properties": {
        "href": {"type": "string", "description": "`tel:+1...`, a URL or a page path"},
        "label": {"type": "string"},
    },
    "required": ["href", "label"],
}

register_block_schema(
    HeadingBlock,
    {
        "type": "object",
        "properties": {
            "text": {"type": "string"},
            "level": {"type": "string", "enum": ["h2", "h3"]},
            "anchor": {"type": "string"},
        },
        "required": ["text", "level", "anchor"],
    },
)
register_block_schema(
    ImageBlock,
    {
        "type": "object",
        "properties": {
            "image": nullable(IMAGE_SCHEMA),
            "decorative": {"type": "boolean"},
            "caption": {"type": "string"},
            "credit": {"type": "string"},
        },
        "required": ["image", "decorative", "caption", "credit"],
    },
)
register_block_schema(
    EmbedBlock,
    {
        "type": "object",
        "description": "External media as a link card (nothing from the other site loads).",
        "properties": {
            "url": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "host": {"type": "string"},
        },
        "required": ["url", "title", "host"],
    },
)
register_block_schema(
    ProfileLinkBlock,
    {
        "type": "object",
        "properties": {
            "network": {"type": "string"},
            "url": {"type": "string"},
            "name": {"type": "string"},
        },
        "required": ["network", "url", "name"],
    },
)


def _cta_block_schema(block) -> dict[str, Any]:
    inline = {
        "type": "object",
        "description": "A one-off call to action written in the block.",
        "properties": {
            "snippet": {"type": "null"},
            "heading": {"type": "string"},
            "text": {"type": "string"},
            "action": {"type": "string"},
            "page": nullable(PAGE_LINK_SCHEMA),
            "button": BUTTON_SCHEMA,
            "emphasis": {"type": "string"},
        },
        "required": ["snippet", "heading", "text", "action", "page", "button", "emphasis"],
    }
    chosen = {
        "type": "object",
        "description": "A reusable call to action (snippet), expanded.",
        "properties": {"snippet": CTA_SCHEMA},
        "required": ["snippet"],
    }
    return {"oneOf": [chosen, inline]}


register_block_schema(CallToActionBlock, _cta_block_schema)


# Operations outside the router ----------------------------------------------------------------


def _lead_intake_operation(schemas: dict[str, JSON]) -> JSON:
    """`POST leads/`, described from the intake's own field list and form (leads/)."""
    from django import forms

    from leads.api import FIELDS, MAX_BODY_BYTES
    from leads.forms import LeadForm

    properties: dict[str, JSON] = {}
    form_fields = LeadForm.base_fields
    for name in FIELDS:
        field = form_fields.get(name)
        if name == "consent":
            schema: JSON = {"type": "boolean", "description": "Must be true."}
        elif name == "source_page":
            schema = {"type": ["integer", "null"], "description": "The page the request came from."}
        else:
            schema = {"type": "string"}
            if isinstance(field, forms.ChoiceField):
                schema["enum"] = [value for value, _ in field.choices]
            elif field is not None and getattr(field, "max_length", None):
                schema["maxLength"] = field.max_length
        if field is not None and field.help_text:
            schema["description"] = str(field.help_text)
        properties[name] = schema
    required = [name for name in FIELDS if form_fields.get(name) and form_fields[name].required]
    schemas["LeadRequest"] = {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
        "description": f"At most {MAX_BODY_BYTES // 1024} KB of UTF-8 JSON.",
    }
    error = {
        "type": "object",
        "properties": {
            "message": {"type": "string"},
            "errors": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
        },
        "required": ["message"],
    }
    schemas["LeadError"] = error

    def answer(description: str) -> JSON:
        return {
            "description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LeadError"}}},
        }

    return {
        "post": {
            "operationId": "leads_create",
            "tags": ["leads"],
            "summary": "Ask for a consultation. Write-only: leads are never readable here.",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/LeadRequest"}}
                },
            },
            "responses": {
                "201": {
                    "description": "Received; `reference` is an opaque receipt.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "reference": {"type": "string"},
                                    "status": {"const": "received"},
                                },
                                "required": ["reference", "status"],
                            }
                        }
                    },
                },
                "400": answer("Invalid JSON, unknown field, wrong type or a field to correct."),
                "413": answer("Body too large."),
                "415": answer("Not JSON, or not UTF-8."),
                "429": answer("Too many requests from this address; see Retry-After."),
                "503": answer("The request could not be stored; call the practice."),
            },
        }
    }


def _ping_operation(schemas: dict[str, JSON]) -> JSON:
    return {
        "get": {
            "operationId": "ping",
            "tags": ["health"],
            "responses": {
                "200": {
                    "description": "The application answers.",
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {"status": {"const": "ok"}},
                                "required": ["status"],
                            }
                        }
                    },
                }
            },
        }
    }


register_operation("leads/", _lead_intake_operation)
register_operation("ping/", _ping_operation)

_documents: dict[int, JSON] = {}


def openapi_view(router):
    """`/api/v2/openapi.json` for `router`; the document is built once per process."""

    @require_GET
    def openapi(request):
        key = id(router)
        if key not in _documents:
            _documents[key] = build_openapi(router, server_url=settings.WAGTAILAPI_BASE_URL)
        return JsonResponse(_documents[key])

    return openapi
