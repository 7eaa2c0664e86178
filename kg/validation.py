"""SHACL validation of a store's union graph against kg/shapes.ttl (with kg/ontology.ttl for the class
hierarchy), plus the span checks that run faster as one store-side SPARQL query."""

from __future__ import annotations

from functools import cache

from pydantic import BaseModel, ConfigDict
from pyoxigraph import RdfFormat, serialize
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SH

from kg.ontology import ONTOLOGY_TTL, SHAPES_TTL
from kg.sparql import SPAN_MISMATCHES
from kg.store import GraphStore

_UNION = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"


class Violation(BaseModel):
    model_config = ConfigDict(frozen=True)

    focus: str
    path: str | None
    value: str | None
    message: str
    severity: str  # "Violation", "Warning" or "Info"
    shape: str | None  # the shape that failed (a blank node id for anonymous property shapes)


class ValidationReport(BaseModel):
    conforms: bool
    violations: list[Violation]
    text: str  # pyshacl's human-readable report


@cache
def _graph(path: str) -> Graph:
    return Graph().parse(path, format="turtle")


def store_graph(store: GraphStore) -> Graph:
    """The union of the store's named graphs as an rdflib Graph."""
    data = serialize(store.query(_UNION), format=RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


def _text(graph: Graph, node: URIRef, predicate: URIRef) -> str | None:
    value = graph.value(node, predicate)
    return None if value is None else str(value)


def span_violations(store: GraphStore) -> list[Violation]:
    violations = []
    for row in store.select(SPAN_MISMATCHES):
        if "start" in row and "exact" in row:
            message = f"offsets {row['start']}-{row['end']} do not fit its text of length {len(row['exact'])}"
        else:
            message = "needs one text position selector and one text quote selector"
        violations.append(Violation(focus=row["span"], path=None, value=None, message=message, severity="Violation",
                                    shape="kg.sparql.SPAN_MISMATCHES"))
    return violations


def validate_graph(store: GraphStore) -> ValidationReport:
    conforms, results, text = validate(
        store_graph(store),
        shacl_graph=_graph(str(SHAPES_TTL)),
        ont_graph=_graph(str(ONTOLOGY_TTL)),  # mixed in so sh:class and sh:targetClass follow rdfs:subClassOf
        inference="none",
        inplace=True,  # the data graph is our own fresh copy: skip pyshacl's defensive copy
    )
    violations = [
        Violation(
            focus=str(results.value(result, SH.focusNode)),
            path=_text(results, result, SH.resultPath),
            value=_text(results, result, SH.value),
            message=_text(results, result, SH.resultMessage) or "",
            severity=str(results.value(result, SH.resultSeverity)).removeprefix(str(SH)),
            shape=_text(results, result, SH.sourceShape),
        )
        for result in results.subjects(SH.resultSeverity, None)
    ]
    extra = span_violations(store)
    violations = sorted(violations + extra, key=lambda v: (v.focus, v.path or "", v.message))
    text = str(text) + "".join(f"\nSpan check: {v.focus}: {v.message}" for v in extra)
    return ValidationReport(conforms=bool(conforms) and not extra, violations=violations, text=text)
