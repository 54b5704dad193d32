"""An offline schema.org check for the pages' JSON-LD, for tests.

The JSON-LD is parsed as RDF by rdflib (its JSON-LD parser, with the schema.org context given
inline so nothing is fetched), then every type and property is looked up in the schema.org
vocabulary rdflib ships (``rdflib.namespace.SDO``): a misspelt or invented term, a property used
as a type or a type used as a property, or a value that is not valid JSON-LD, is reported.
On top, the properties search engines need for the node types the site publishes.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.namespace import SDO

SCHEMA = str(SDO)
SCHEMA_TERMS = frozenset(SDO.__annotations__) | frozenset(getattr(SDO, "_extras", []))
OFFLINE_CONTEXT = {"@vocab": SCHEMA}
REQUIRED = {
    "MedicalBusiness": {"name", "address", "telephone"},
    "Person": {"name"},
    "Service": {"name", "provider"},
    "BreadcrumbList": {"itemListElement"},
    "OpeningHoursSpecification": {"dayOfWeek", "opens", "closes"},
    "EducationalOccupationalCredential": {"credentialCategory", "name"},
}


def extract_json_ld(html: str) -> list[dict[str, Any]]:
    """Every JSON-LD document embedded in a page."""
    pattern = r'<script type="application/ld\+json">(.*?)</script>'
    return [json.loads(block) for block in re.findall(pattern, html, re.S)]


def _term(uri: Any) -> str | None:
    text = str(uri)
    return text[len(SCHEMA) :] if text.startswith(SCHEMA) else None


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
    for _subject, predicate, obj in graph:
        if predicate == RDF.type:
            name = _term(obj)
            if name is None or name not in SCHEMA_TERMS or not name[:1].isupper():
                problems.append(f"{obj} is not a schema.org type")
            continue
        name = _term(predicate)
        if name is None or name not in SCHEMA_TERMS or not name[:1].islower():
            problems.append(f"{predicate} is not a schema.org property")
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
