"""Load source files into the store: read them (ingest), map to quads, swap each file's named graph atomically."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from ingest.models import IngestResult
from ingest.papers import PaperCandidate
from ingest.pipeline import read_file, resolve_sources
from ingest.vocabulary import Vocabulary
from kg.iris import graph_iri, key_from_iri
from kg.mapping import result_to_quads
from kg.store import GraphStore

# Papers already stored, with what identifies them, so a new file's sightings resolve to existing IRIs.
_STORED_PAPERS = """
PREFIX cg: <https://claimgraph.dev/ontology#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX oa: <http://www.w3.org/ns/oa#>
SELECT ?paper ?g (SAMPLE(?t) AS ?title) (SAMPLE(?a) AS ?arxiv) (SAMPLE(?x) AS ?abstract) WHERE {
  GRAPH ?g {
    ?paper a cg:Paper .
    OPTIONAL { ?paper dcterms:title ?t }
    OPTIONAL { ?paper cg:arxivId ?a }
    OPTIONAL { ?paper cg:appearsIn ?doc . ?doc cg:abstractSpan ?span .
               ?span oa:hasSelector ?selector . ?selector oa:exact ?x }
  }
} GROUP BY ?paper ?g
"""


class FileLoad(BaseModel):
    file: str
    format: str
    documents: int
    papers: int
    entities: int
    mentions: int
    claims: int
    triples: int


class LoadSummary(BaseModel):
    files: list[FileLoad]
    seconds: float


def stored_paper_candidates(store: GraphStore, replacing: set[str]) -> list[PaperCandidate]:
    """Stored papers outside the graphs about to be replaced (those are re-read from their files)."""
    replaced = {graph_iri(name) for name in replacing}
    return [
        PaperCandidate(
            source="",
            title=row.get("title"),
            arxiv_id=row.get("arxiv"),
            abstract=row.get("abstract"),
            stored_key=key_from_iri(row["paper"], "paper"),
        )
        for row in store.select(_STORED_PAPERS)
        if row["g"] not in replaced
    ]


def load_sources(
    store: GraphStore, files: list[Path], vocabulary: Vocabulary, on_file: Callable[[Path], None] | None = None
) -> LoadSummary:
    started = time.perf_counter()
    # Every file is parsed (and so checked) before anything is written; then each is read and stored in turn, so
    # memory holds one file's records and quads at a time, not the whole batch's.
    resolved = resolve_sources(files, stored_paper_candidates(store, {path.name for path in files}), on_file)
    rows = [_store_result(store, read_file(parsed, vocabulary, resolved.papers[parsed.source.name]))
            for parsed in resolved.parsed]
    return LoadSummary(files=rows, seconds=time.perf_counter() - started)


def _store_result(store: GraphStore, result: IngestResult) -> FileLoad:
    quads = result_to_quads(result)
    store.replace_graph(graph_iri(result.source.name), quads)
    return FileLoad(
        file=result.source.name,
        format=result.source.format.value,
        documents=len(result.documents),
        papers=len(result.papers),
        entities=len(result.entities),
        mentions=len(result.mentions),
        claims=len(result.claims),
        triples=len(quads),
    )
