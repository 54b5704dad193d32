"""The OpenAPI 3.1 document of `/api/v2/`, written from the router, the models' `api_fields`, the
stream blocks and the lead intake form: the same declarations that produce the JSON.

Blocks: a block whose API form is Wagtail's default (struct, list, stream, text, choice...) is
described from its definition. A block that overrides ``get_api_representation`` must have its
shape registered here (``BLOCK_SCHEMAS``) or carry an ``api_schema`` attribute; building the
document fails otherwise, so a new block cannot ship undocumented (tests build the document, and
check every demo response against it).

Shared shapes are written once, in `components`, and referenced: blocks and streams by class name,
a named stream's items (`HeadingStreamItem`), and the shapes apps name with ``register_schema``
(`Seo`, `PageCard`, `Button`...). `_share` turns every copy of a component into a `$ref`, so a
generated client has one type per shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from wagtail import blocks
from wagtail.api.v2.serializers import StreamField as StreamFieldSerializer
from wagtail.fields import RichTextField, StreamField
from wagtail.images.blocks import ImageChooserBlock
from wagtail.models import Page, get_page_models
from wagtail.snippets.blocks import SnippetChooserBlock

from cms.headless.fields import (
    IMAGE_SCHEMA,
    PAGE_LINK_SCHEMA,
    RENDITION_SCHEMA,
    SHARED_SCHEMAS,
    SchemaField,
    nullable,
)

JSON = dict[str, Any]


class MissingSchema(LookupError):
    """A block or field whose API shape is not declared."""


# Registries: shapes the apps declare for their custom representations -------------------------

BLOCK_SCHEMAS: dict[type, JSON | Callable[[blocks.Block], JSON]] = {}
SNIPPET_SCHEMAS: dict[type, JSON] = {}


def register_block_schema(block_class: type, schema: JSON | Callable[[blocks.Block], JSON]):
    BLOCK_SCHEMAS[block_class] = schema


def register_snippet_schema(model: type, schema: JSON) -> None:
    SNIPPET_SCHEMAS[model] = schema


# Blocks ---------------------------------------------------------------------------------------

STRING_BLOCKS = (
    blocks.CharBlock,
    blocks.TextBlock,
    blocks.URLBlock,
    blocks.EmailBlock,
    blocks.RegexBlock,
    blocks.BlockQuoteBlock,
)
HTML_BLOCKS = (blocks.RawHTMLBlock, blocks.RichTextBlock)

#: A string of final HTML (rich text with links resolved): render it as markup, not as text.
HTML_SCHEMA: JSON = {
    "type": "string",
    "contentMediaType": "text/html",
    "description": "HTML (rich text with links resolved): insert as markup.",
}
HTML_REF: JSON = {"$ref": "#/components/schemas/HTML"}

#: Block and stream schemas by class name: shared in `components` (see `_share`).
NAMED_SCHEMAS: dict[str, JSON] = {}


def _overrides_representation(block: blocks.Block, base: type) -> bool:
    return type(block).get_api_representation is not base.get_api_representation


def _registered(block: blocks.Block) -> JSON | None:
    schema = getattr(block, "api_schema", None)
    if schema is None:
        for klass in type(block).__mro__:
            if klass in BLOCK_SCHEMAS:
                schema = BLOCK_SCHEMAS[klass]
                break
    if callable(schema):
        schema = schema(block)
    if isinstance(schema, dict) and ("properties" in schema or "oneOf" in schema):
        NAMED_SCHEMAS.setdefault(type(block).__name__, schema)
    return schema


def block_schema(block: blocks.Block) -> JSON:
    """The JSON schema of a block's API value."""
    schema = _registered(block)
    if schema is not None:
        return schema
    if isinstance(block, blocks.StreamBlock):
        if _overrides_representation(block, blocks.StreamBlock):
            raise MissingSchema(f"{type(block).__name__} has a custom API form and no schema")
        return stream_schema(block)
    if isinstance(block, blocks.ListBlock):
        return {"type": "array", "items": block_schema(block.child_block)}
    if isinstance(block, blocks.StructBlock):
        if _overrides_representation(block, blocks.StructBlock):
            raise MissingSchema(f"{type(block).__name__} has a custom API form and no schema")
        schema = {
            "type": "object",
            "properties": {name: block_schema(child) for name, child in block.child_blocks.items()},
            "required": list(block.child_blocks),
            "additionalProperties": False,
        }
        if type(block) is not blocks.StructBlock:
            NAMED_SCHEMAS.setdefault(type(block).__name__, schema)
        return schema
    if isinstance(block, ImageChooserBlock):
        return nullable(IMAGE_SCHEMA)
    if isinstance(block, blocks.PageChooserBlock):
        return nullable(PAGE_LINK_SCHEMA)
    if isinstance(block, SnippetChooserBlock):
        model = block.target_model
        if model not in SNIPPET_SCHEMAS:
            raise MissingSchema(f"snippet {model.__name__} has no registered schema")
        return nullable(SNIPPET_SCHEMAS[model])
    if isinstance(block, blocks.ChoiceBlock):
        values = [str(value) for value, _label in block.field.choices if value != ""]
        return {"type": "string", "enum": [*values, ""] if not block.required else values}
    if isinstance(block, HTML_BLOCKS):
        return HTML_REF
    if isinstance(block, STRING_BLOCKS):
        return {"type": "string"}
    if isinstance(block, blocks.BooleanBlock):
        return {"type": "boolean"}
    if isinstance(block, blocks.IntegerBlock):
        return {"type": ["integer", "null"]}
    if isinstance(block, (blocks.FloatBlock, blocks.DecimalBlock)):
        return {"type": ["number", "null"]}
    if isinstance(block, blocks.DateBlock):
        return {"type": ["string", "null"], "format": "date"}
    if isinstance(block, blocks.DateTimeBlock):
        return {"type": ["string", "null"], "format": "date-time"}
    if isinstance(block, blocks.TimeBlock):
        return {"type": ["string", "null"], "format": "time"}
    raise MissingSchema(f"no API schema for block {type(block).__name__}")


def _stream_item_name(stream_block: blocks.StreamBlock, name: str, item: JSON) -> str:
    """The component name of a stream item: `HeadingStreamItem` for a `heading`, shared by every
    stream whose `heading` has that shape; `ArticleHeadingStreamItem` for a stream whose
    `heading` differs from the one named first."""
    base = "".join(part.capitalize() for part in name.split("_")) + "StreamItem"
    stream = type(stream_block).__name__
    for candidate in (base, stream.removesuffix("StreamBlock") + base, stream + base):
        if NAMED_SCHEMAS.setdefault(candidate, item) == item:
            return candidate
    raise MissingSchema(f"no free component name for {stream}'s {name}")


def stream_schema(stream_block: blocks.StreamBlock) -> JSON:
    """A stream: a list of {type, value, id}, one branch per child block. A named stream's
    branches are components (`HeadingStreamItem`...), shared by the streams that have them."""
    named = type(stream_block) is not blocks.StreamBlock
    items = []
    for name, child in stream_block.child_blocks.items():
        description = str(getattr(child.meta, "description", "") or child.label or name)
        item = {
            "type": "object",
            "title": name,
            "description": description,
            "properties": {
                "type": {"const": name},
                "value": block_schema(child),
                "id": {"type": ["string", "null"]},
            },
            "required": ["type", "value", "id"],
            "additionalProperties": False,
        }
        if named:
            item = {"$ref": f"#/components/schemas/{_stream_item_name(stream_block, name, item)}"}
        items.append(item)
    schema = {"type": "array", "items": {"oneOf": items}}
    if named:
        NAMED_SCHEMAS.setdefault(type(stream_block).__name__, schema)
    return schema


# Model fields ---------------------------------------------------------------------------------


def model_field_schema(field: models.Field) -> JSON:
    if isinstance(field, StreamField):
        return stream_schema(field.stream_block)
    if isinstance(field, RichTextField):
        return HTML_REF
    schema: JSON
    if isinstance(field, (models.DateTimeField,)):
        schema = {"type": "string", "format": "date-time"}
    elif isinstance(field, models.DateField):
        schema = {"type": "string", "format": "date"}
    elif isinstance(field, models.BooleanField):
        schema = {"type": "boolean"}
    elif isinstance(field, (models.IntegerField, models.AutoField)):
        schema = {"type": "integer"}
    elif isinstance(field, (models.FloatField, models.DecimalField)):
        schema = {"type": "number"}
    elif isinstance(field, (models.CharField, models.TextField, models.URLField)):
        schema = {"type": "string"}
        if field.choices:
            schema["enum"] = [str(value) for value, _ in field.flatchoices]
    else:
        raise MissingSchema(f"no API schema for field {field.model.__name__}.{field.name}")
    if field.null:
        schema = {**schema, "type": [schema["type"], "null"]}
        schema.pop("enum", None)
    return schema


def api_field_schema(model: type[models.Model], api_field) -> JSON:
    serializer = api_field.serializer
    if isinstance(serializer, SchemaField):
        return serializer.openapi_schema
    if serializer is not None and hasattr(serializer, "openapi_schema"):
        return serializer.openapi_schema
    if isinstance(serializer, StreamFieldSerializer):
        return stream_schema(model._meta.get_field(api_field.name).stream_block)
    try:
        field = model._meta.get_field(api_field.name)
    except Exception as exc:
        raise MissingSchema(f"{model.__name__}.{api_field.name} needs a SchemaField") from exc
    return model_field_schema(field)


def model_fields_schema(model: type[models.Model]) -> dict[str, JSON]:
    from wagtail.api import APIField

    fields = {}
    for api_field in getattr(model, "api_fields", ()):
        if not isinstance(api_field, APIField):
            api_field = APIField(api_field)
        fields[api_field.name] = api_field_schema(model, api_field)
    return fields


# Pages ----------------------------------------------------------------------------------------

PARENT_SCHEMA: JSON = {
    "type": "object",
    "description": "The parent page, when it is served too.",
    "properties": {
        "id": {"type": "integer"},
        "meta": {
            "type": "object",
            "properties": {
                "type": {"type": "string", "description": "app_label.ModelName"},
                "detail_url": {"type": "string"},
                "html_url": {"type": ["string", "null"]},
            },
            "required": ["type", "detail_url", "html_url"],
            "additionalProperties": False,
        },
        "title": {"type": "string"},
    },
    "required": ["id", "meta", "title"],
    "additionalProperties": False,
}

_META_PROPERTIES: JSON = {
    "type": {"type": "string", "description": "app_label.ModelName (also the top-level `type`)"},
    "detail_url": {"type": "string"},
    "html_url": {"type": ["string", "null"]},
    "slug": {"type": "string"},
    "show_in_menus": {"type": "boolean"},
    "seo_title": {"type": "string"},
    "search_description": {"type": "string"},
    "first_published_at": {"type": ["string", "null"], "format": "date-time"},
    "last_published_at": {
        "type": ["string", "null"],
        "format": "date-time",
        "description": "When the public version was published: the page's last-modified time.",
    },
    "alias_of": {"type": "null"},
    "parent": {"anyOf": [{"$ref": "#/components/schemas/ParentPage"}, {"type": "null"}]},
    "locale": {"type": "string", "description": "Listed with `fields=*` only."},
}

#: A page's `meta` on the detail (and the preview).
PAGE_META_SCHEMA: JSON = {
    "type": "object",
    "properties": _META_PROPERTIES,
    "required": [name for name in _META_PROPERTIES if name != "locale"],
    "additionalProperties": False,
}

#: A page's `meta` in a listing: the defaults, more with `fields`.
PAGE_LISTING_META_SCHEMA: JSON = {
    "type": "object",
    "properties": _META_PROPERTIES,
    "required": [
        "type",
        "detail_url",
        "html_url",
        "slug",
        "first_published_at",
        "last_published_at",
    ],
    "additionalProperties": False,
}


def public_page_models() -> list[type[Page]]:
    return [model for model in get_page_models() if model is not Page]


def _page_properties(model: type[Page], meta_ref: str) -> JSON:
    properties: JSON = {
        "id": {"type": "integer"},
        "type": {"const": model._meta.label, "description": "The page type: narrow on it."},
        "meta": {"$ref": f"#/components/schemas/{meta_ref}"},
        "title": {"type": "string"},
    }
    properties.update(model_fields_schema(model))
    return properties


def page_schema(model: type[Page]) -> JSON:
    """A page of `model` as the detail (and the preview) gives it: every field."""
    properties = _page_properties(model, "PageMeta")
    return {
        "type": "object",
        "title": model.__name__,
        "description": (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else "",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


def page_listing_schema(model: type[Page], detail_only: list[str]) -> JSON:
    """A page of `model` in a listing: id and type always; by default meta and title, then what
    `fields` asks for (`fields=_,title` lists only id, type and title)."""
    properties = _page_properties(model, "PageListingMeta")
    for name in detail_only:
        properties.pop(name, None)
    return {
        "type": "object",
        "title": f"{model.__name__}ListItem",
        "description": f"A {model._meta.verbose_name} in a listing.",
        "properties": properties,
        "required": ["id", "type"],
        "additionalProperties": False,
    }


def page_union(names: dict[str, str]) -> JSON:
    """One of the page schemas `names` ({type label: schema name}), told apart by `type`."""
    return {
        "oneOf": [{"$ref": f"#/components/schemas/{name}"} for name in names.values()],
        "discriminator": {
            "propertyName": "type",
            "mapping": {label: f"#/components/schemas/{name}" for label, name in names.items()},
        },
    }


# Document -------------------------------------------------------------------------------------

ERROR_SCHEMA: JSON = {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
    "additionalProperties": False,
}


def _param(name: str, description: str, schema: JSON | None = None, *, where="query") -> JSON:
    return {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": description,
        "schema": schema or {"type": "string"},
    }


PAGING_PARAMS = [
    _param(
        "limit",
        f"Items per page (default 20, at most {settings.WAGTAILAPI_LIMIT_MAX}).",
        {"type": "integer", "minimum": 1, "maximum": settings.WAGTAILAPI_LIMIT_MAX},
    ),
    _param("offset", "Items to skip.", {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}),
    _param(
        "fields",
        "Comma-separated fields to add (`*` for all, `-name` to drop, `_` to start empty). "
        "The schemas' `required` lists describe the answer without `fields`; a field dropped "
        "with `-name` or `_` is absent.",
    ),
    _param("order", "A field name to sort by, `-field` for descending, or `random`."),
    _param("search", "Full-text search words."),
    _param("search_operator", "`and` or `or`.", {"type": "string", "enum": ["and", "or"]}),
]

PAGE_ID: JSON = {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
PAGE_REF: JSON = {"type": "string", "pattern": "^(root|[1-9][0-9]{0,8})$"}

PAGE_FILTER_PARAMS = [
    _param("type", "Page type, `app_label.ModelName` (e.g. `blog.BlogPage`); comma-separated."),
    _param("child_of", "A page id (or `root`): only its children.", PAGE_REF),
    _param("descendant_of", "A page id (or `root`): only pages beneath it.", PAGE_REF),
    _param("ancestor_of", "A page id: only its ancestors.", PAGE_ID),
    _param("tag", "A tag name: articles with that tag."),
    _param("category", "A category slug: articles in that category."),
    _param("author", "An author slug: articles by that author."),
    _param("site", "A site hostname (defaults to the requested host)."),
]


def _json_response(description: str, schema: JSON) -> JSON:
    return {
        "description": description,
        "headers": {
            "ETag": {"schema": {"type": "string"}},
            "Cache-Control": {"schema": {"type": "string"}},
        },
        "content": {"application/json": {"schema": schema}},
    }


def _errors(*codes: int) -> dict[str, JSON]:
    texts = {
        400: "Bad request (unknown parameter or value).",
        404: "Not found (for a listing: the page named by a tree filter).",
    }
    return {
        str(code): {
            "description": texts[code],
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
        for code in codes
    }


NOT_MODIFIED = {"304": {"description": "Not modified: the `If-None-Match` ETag still holds."}}


#: A listing's `meta`: how many items match, over every page of the listing.
LISTING_META_SCHEMA: JSON = {
    "type": "object",
    "properties": {"total_count": {"type": "integer"}},
    "required": ["total_count"],
    "additionalProperties": False,
}


def listing_schema(item: JSON) -> JSON:
    return {
        "type": "object",
        "properties": {
            "meta": {"$ref": "#/components/schemas/ListingMeta"},
            "items": {"type": "array", "items": item},
        },
        "required": ["meta", "items"],
        "additionalProperties": False,
    }


def endpoint_paths(
    base: str, name: str, item: JSON, detail: JSON, params: list[JSON], find: list[JSON]
) -> dict[str, JSON]:
    """Listing, detail and find operations of a Wagtail API endpoint mounted at `base`."""
    return {
        base: {
            "get": {
                "operationId": f"{name}_list",
                "summary": f"List {name}",
                "tags": [name],
                "parameters": [*PAGING_PARAMS, *params],
                "responses": {
                    "200": _json_response(f"A page of {name}.", listing_schema(item)),
                    **NOT_MODIFIED,
                    **_errors(400, 404),
                },
            }
        },
        base + "{id}/": {
            "get": {
                "operationId": f"{name}_detail",
                "summary": f"Get one of {name} by id",
                "tags": [name],
                "parameters": [
                    _param("id", "The id.", {"type": "integer", "minimum": 1}, where="path"),
                    PAGING_PARAMS[2],
                ],
                "responses": {
                    "200": _json_response("One item.", detail),
                    **NOT_MODIFIED,
                    **_errors(400, 404),
                },
            }
        },
        base + "find/": {
            "get": {
                "operationId": f"{name}_find",
                "summary": f"Find one of {name} and redirect to its detail",
                "tags": [name],
                "description": "Redirects (302) to the detail URL of the item found.",
                "parameters": find,
                "responses": {
                    "302": {
                        "description": "Found: `Location` is the item's detail URL.",
                        "headers": {"Location": {"schema": {"type": "string"}}},
                    },
                    **_errors(400, 404),
                },
            }
        },
    }


class OpenAPIDescribed:
    """Mixin for API viewsets: `openapi_describe` gives item and detail schemas and parameters."""

    @classmethod
    def openapi_describe(cls, schemas: dict[str, JSON]) -> tuple[JSON, JSON, list, list]:
        raise MissingSchema(f"{cls.__name__} does not describe itself")

    @classmethod
    def openapi_paths(cls, base: str, name: str, schemas: dict[str, JSON]) -> dict[str, JSON]:
        item, detail, params, find = cls.openapi_describe(schemas)
        return endpoint_paths(base, name, item, detail, params, find)


def build_openapi(router, *, server_url: str = "") -> JSON:
    """The whole document for the endpoints registered on `router` (a WagtailAPIRouter)."""
    prefix = reverse(f"{router.url_namespace}:pages:listing").removesuffix("pages/")
    paths: dict[str, JSON] = {}
    schemas: dict[str, JSON] = {
        "Image": IMAGE_SCHEMA,
        "Rendition": RENDITION_SCHEMA,
        "PageLink": PAGE_LINK_SCHEMA,
        "HTML": HTML_SCHEMA,
        "Error": ERROR_SCHEMA,
        "PageMeta": PAGE_META_SCHEMA,
        "PageListingMeta": PAGE_LISTING_META_SCHEMA,
        "ParentPage": PARENT_SCHEMA,
        "ListingMeta": LISTING_META_SCHEMA,
    }

    for name, endpoint in router._endpoints.items():
        if not issubclass(endpoint, OpenAPIDescribed):
            raise MissingSchema(f"endpoint {name} ({endpoint.__name__}) is not OpenAPIDescribed")
        paths.update(endpoint.openapi_paths(f"{prefix}{name}/", name, schemas))

    for path, operation in EXTRA_OPERATIONS.items():
        paths[prefix + path] = operation(schemas)

    for name, schema in [*NAMED_SCHEMAS.items(), *SHARED_SCHEMAS.items()]:
        schemas.setdefault(name, schema)
    for snippet_model, schema in SNIPPET_SCHEMAS.items():
        schemas.setdefault(snippet_model.__name__, schema)
    for item in paths.values():
        for operation in item.values():
            # Public by default: no credentials (an operation may accept some, e.g. leads/).
            operation.setdefault("security", [])
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "Practice website content API",
            "version": "2",
            "description": (
                "Read-only content of the practice website (pages, articles, authors, calls to "
                "action, images, documents, practice contact details) and the consultation "
                "request intake. Responses carry an ETag: send it back as If-None-Match to get "
                "304 when nothing changed. Rich text is final HTML."
            ),
        },
        "servers": [{"url": server_url or "/"}],
        "paths": paths,
        "components": {"schemas": schemas, "securitySchemes": SECURITY_SCHEMES},
    }
    return _share(_close(_copy(document)))


def _copy(value: Any) -> Any:
    """A deep copy of plain JSON (schemas are module constants, shared between documents)."""
    if isinstance(value, dict):
        return {key: _copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def _close(value: Any) -> Any:
    """Objects are closed (`additionalProperties: false`) unless a schema says otherwise: every
    key a response carries is documented, and a strict client can rely on it."""
    if isinstance(value, dict):
        closed = {key: _close(item) for key, item in value.items()}
        if (
            closed.get("type") == "object"
            and "properties" in closed
            and "additionalProperties" not in closed
        ):
            closed["additionalProperties"] = False
        return closed
    if isinstance(value, list):
        return [_close(item) for item in value]
    return value


def _share(document: JSON) -> JSON:
    """Every copy of a named component schema, anywhere in the document, becomes a `$ref` to it:
    a client generator then makes one type (one `Image`, not one per place an image appears)."""
    schemas = document["components"]["schemas"]
    # Larger schemas first, so a shape is replaced whole before its parts are.
    for name in sorted(schemas, key=lambda name: -len(repr(schemas[name]))):
        target = schemas[name]
        if not isinstance(target, dict) or "$ref" in target or len(repr(target)) < 60:
            continue
        ref = {"$ref": f"#/components/schemas/{name}"}

        def replace(value: Any, target: JSON = target, ref: JSON = ref) -> Any:
            if isinstance(value, dict):
                if value == target:
                    return dict(ref)
                return {key: replace(item) for key, item in value.items()}
            if isinstance(value, list):
                return [replace(item) for item in value]
            return value

        for other in list(schemas):
            if other != name:
                schemas[other] = replace(schemas[other])
            else:
                schemas[other] = {key: replace(item) for key, item in schemas[other].items()}
        document["paths"] = replace(document["paths"])
    return document


EXTRA_OPERATIONS: dict[str, Callable[[dict[str, JSON]], JSON]] = {}

#: Credentials an operation may name in its `security` (none is needed to read content).
SECURITY_SCHEMES: JSON = {
    "frontendKey": {
        "type": "apiKey",
        "in": "header",
        "name": "X-Frontend-Key",
        "description": "A frontend API key (created in the admin), for server-side callers only.",
    }
}


def register_operation(path: str, describe: Callable[[dict[str, JSON]], JSON]) -> None:
    """Document a view outside the router (path relative to the API prefix, e.g. `leads/`)."""
    EXTRA_OPERATIONS[path] = describe
