"""Graph statistics from the named SPARQL queries: documents, papers (overall and per file), entities, claims."""

from __future__ import annotations

from pydantic import BaseModel

from ingest.models import EntityType
from kg.ontology import CG
from kg.sparql import (
    COUNT_CLAIMS,
    COUNT_DOCUMENTS,
    COUNT_PAPERS,
    COUNT_TRIPLES,
    ENTITIES_BY_TYPE,
    PAPERS_BY_SOURCE,
)
from kg.store import GraphStore

_TYPE_NAMES = {str(CG[t.value]): t.value for t in EntityType}


class GraphStats(BaseModel):
    documents: int
    papers: int  # distinct papers; one seen in two files counts once here...
    papers_by_source: dict[str, int]  # ...and once under each file name here
    entities_by_type: dict[str, int]  # EntityType value ("Model", ...) -> distinct entities; every type listed
    claims: int
    triples: int  # quads over all named graphs: a triple stated in two files counts twice


def _count(store: GraphStore, query: str) -> int:
    row = next(iter(store.query(query)))
    return int(row["n"].value)


def graph_stats(store: GraphStore) -> GraphStats:
    papers_by_source = {row["source"].value: int(row["n"].value) for row in store.query(PAPERS_BY_SOURCE)}
    entities = dict.fromkeys(_TYPE_NAMES.values(), 0)
    for row in store.query(ENTITIES_BY_TYPE):
        entities[_TYPE_NAMES[row["type"].value]] = int(row["n"].value)
    return GraphStats(
        documents=_count(store, COUNT_DOCUMENTS),
        papers=_count(store, COUNT_PAPERS),
        papers_by_source=dict(sorted(papers_by_source.items())),
        entities_by_type=entities,
        claims=_count(store, COUNT_CLAIMS),
        triples=_count(store, COUNT_TRIPLES),
    )
