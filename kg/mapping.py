"""Ingest models <-> RDF: one IngestResult becomes the quads of its source file's named graph, and back.

Layout: kg/quads.py (spans, sentences), kg/mapping_documents.py (files, documents, papers),
kg/mapping_entities.py (entities, facts, mentions), kg/mapping_claims.py (claims).
"""

from __future__ import annotations

from pyoxigraph import Quad

from ingest.models import IngestResult, Span
from kg.iris import graph_iri
from kg.mapping_claims import add_claim, claims_from_store
from kg.mapping_documents import add_document, add_papers, add_source_file
from kg.mapping_entities import EntityIndex, SentenceFinder, add_entity, add_mentions, entities_from_store
from kg.quads import MappingError, QuadSink
from kg.sparql import spans_query
from kg.store import GraphStore

__all__ = [
    "MappingError", "claims_from_store", "entities_from_store", "result_to_quads", "span_from_store", "store_result",
]


def result_to_quads(result: IngestResult) -> list[Quad]:
    """Every triple read from one source file, in that file's named graph (kg.iris.graph_iri)."""
    sink = QuadSink(result.source.name)
    add_source_file(sink, result.source)
    for doc in result.documents:
        add_document(sink, doc)
    add_papers(sink, result.papers, result.documents)
    index = EntityIndex(result.entities, result.papers)
    for entity in result.entities:
        add_entity(sink, entity)
    add_mentions(sink, result.mentions, index, SentenceFinder(result.documents))
    for claim in result.claims:
        add_claim(sink, claim, index)
    return list(dict.fromkeys(sink.quads))  # a fact stated twice (an alias equal to a fact value, ...) is one triple


def store_result(store: GraphStore, result: IngestResult) -> None:
    """Map one file's result and swap it in as that file's named graph."""
    store.replace_graph(graph_iri(result.source.name), result_to_quads(result))


def span_from_store(store: GraphStore, span_iri: str) -> Span:
    """A span read back from its selectors; LookupError when the store has no such span."""
    for row in store.query(spans_query(span_iri)):
        return Span(start=int(row["spanStart"].value), end=int(row["spanEnd"].value), surface=row["spanExact"].value)
    raise LookupError(f"no span {span_iri!r} in the store")
