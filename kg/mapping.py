"""Ingest models <-> RDF: one IngestResult becomes the quads of its source file's named graph, and back.

Layout: kg/quads.py (spans, sentences), kg/mapping_documents.py (files, documents, papers),
kg/mapping_entities.py (entities, facts, mentions), kg/mapping_claims.py (claims).
"""

from __future__ import annotations

from pyoxigraph import Quad

from ingest.models import IngestResult
from kg.mapping_claims import add_claim, claims_from_store
from kg.mapping_documents import add_document, add_papers, add_source_file
from kg.mapping_entities import EntityIndex, SentenceFinder, add_entity, add_mentions, entities_from_store
from kg.quads import MappingError, QuadSink

__all__ = ["MappingError", "claims_from_store", "entities_from_store", "result_to_quads"]


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
    return sink.quads
