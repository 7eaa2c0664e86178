"""Parallel ingestion on Dask: batches of documents are read and mapped to quads by Dask workers, each batch
written as an N-Quads shard, and each file's shards then loaded into the store.

A local Dask cluster (processes, one thread each) by default; a running scheduler's address (`tcp://host:8786`)
sends the work to a cluster, whose workers must see the source files' text (shipped by Dask) and the shard
directory (a shared file system). Files are parsed and papers resolved on the client, as in the serial path;
entity names are discovered per batch and merged in file order, so the store ends up with exactly the quads
the serial path writes (tests/test_kg_parallel_ingest.py holds this on the seeds).

Loading: by default each file's shards replace its named graph through the store's own atomic path (one
transaction on the embedded store, one Graph Store Protocol PUT on a server). ``bulk=True`` uses Oxigraph's
bulk loader instead: several times faster, but not transactional, so it is for building a store that nothing
reads yet; an interrupted bulk load leaves a partial graph until the file is ingested again.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from distributed import Client
from pydantic import BaseModel
from pyoxigraph import QuadParser, RdfFormat, parse, serialize

from ingest.entities import EntityCatalogue, discover_entities, entity_catalogue
from ingest.entity_patterns import Discovery
from ingest.models import Document, PaperRecord
from ingest.pipeline import read_documents, resolve_sources
from ingest.sources import ParsedSource
from ingest.vocabulary import Vocabulary
from kg.cluster import dask_client, share
from kg.iris import graph_iri
from kg.load import FileLoad, LoadSummary, stored_paper_candidates
from kg.mapping import result_to_quads
from kg.store import GraphStore, OxigraphStore, StoreError


class ParallelOptions(BaseModel):
    scheduler: str | None = None  # a Dask scheduler's address; None starts a local cluster
    workers: int = 2  # processes of the local cluster
    batch_documents: int = 500  # documents per task and per shard
    shard_dir: Path | None = None  # where shards are written (shared by the workers); default: a temporary one
    bulk: bool = False  # Oxigraph's bulk loader (embedded store only, not transactional)


class ShardSummary(BaseModel):
    path: Path
    documents: int
    entity_keys: list[str]
    mentions: int
    claims: int
    papers: list[str]
    triples: int


def ingest_parallel(
    store: GraphStore, files: list[Path], vocabulary: Vocabulary, options: ParallelOptions,
    on_file: Callable[[Path], None] | None = None,
) -> LoadSummary:
    """Read ``files`` on Dask and load them; every file is parsed before anything is written, as serially."""
    if options.bulk and not isinstance(store, OxigraphStore):
        raise StoreError("bulk loading needs the embedded store; a SPARQL server is loaded through its Graph Store PUT")
    started = time.perf_counter()
    resolved = resolve_sources(files, stored_paper_candidates(store, {path.name for path in files}), on_file)
    with dask_client(options.scheduler, options.workers) as client, _shard_directory(options.shard_dir) as shards:
        rows = []
        for parsed in resolved.parsed:
            summaries = _read_file(client, parsed, vocabulary, resolved.papers[parsed.source.name], shards, options)
            rows.append(_load_file(store, parsed, summaries, options.bulk))
    return LoadSummary(files=rows, seconds=time.perf_counter() - started)


@contextmanager
def _shard_directory(configured: Path | None) -> Iterator[Path]:
    if configured is not None:
        configured.mkdir(parents=True, exist_ok=True)
        yield configured
        return
    directory = Path(tempfile.mkdtemp(prefix="claimgraph-shards-"))
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _batches(documents: list[Document], size: int) -> list[list[Document]]:
    return [documents[start:start + size] for start in range(0, len(documents), max(1, size))]


def _read_file(client: Client, parsed: ParsedSource, vocabulary: Vocabulary, papers: list[PaperRecord],
               shards: Path, options: ParallelOptions) -> list[ShardSummary]:
    batches = _batches(parsed.documents, options.batch_documents)
    text, words, records = (share(client, value) for value in (parsed.text, vocabulary, papers))
    found = client.gather(client.map(_discover_batch, [text] * len(batches), batches, vocabulary=words, pure=False))
    catalogue = share(client, entity_catalogue([d for batch in found for d in batch], vocabulary))
    stem = shards / f"{parsed.source.name}.{time.time_ns()}"
    paths = [Path(f"{stem}.{number:06d}.nq") for number in range(len(batches))]
    source = parsed.model_copy(update={"text": "", "documents": []})  # the text travels once, scattered
    return client.gather(client.map(_write_shard, [text] * len(batches), batches, paths, source=source,
                                    catalogue=catalogue, papers=records, pure=False))


def _discover_batch(text: str, documents: list[Document], vocabulary: Vocabulary) -> list[tuple[Discovery, str]]:
    return discover_entities(text, documents, vocabulary)


def _write_shard(text: str, documents: list[Document], path: Path, source: ParsedSource,
                 catalogue: EntityCatalogue, papers: list[PaperRecord]) -> ShardSummary:
    result = read_documents(source.model_copy(update={"text": text}), documents, catalogue, papers)
    quads = result_to_quads(result)
    with path.open("wb") as out:
        serialize(quads, out, RdfFormat.N_QUADS)
    return ShardSummary(path=path, documents=len(documents), entity_keys=[e.key for e in result.entities],
                        mentions=len(result.mentions), claims=len(result.claims),
                        papers=[p.key for p in result.papers], triples=len(quads))


def _load_file(store: GraphStore, parsed: ParsedSource, summaries: list[ShardSummary], bulk: bool) -> FileLoad:
    graph = graph_iri(parsed.source.name)
    if bulk:
        store.bulk_replace_graph(graph, [summary.path for summary in summaries])  # type: ignore[attr-defined]
    else:
        store.replace_graph(graph, (quad for summary in summaries for quad in _read_shard(summary.path)))
    return FileLoad(
        file=parsed.source.name,
        format=parsed.source.format.value,
        documents=sum(s.documents for s in summaries),
        papers=len({key for s in summaries for key in s.papers}),
        entities=len({key for s in summaries for key in s.entity_keys}),
        mentions=sum(s.mentions for s in summaries),
        claims=sum(s.claims for s in summaries),
        triples=_count_graph(store, graph),
    )


def _read_shard(path: Path) -> QuadParser:
    return parse(path=path, format=RdfFormat.N_QUADS)


def _count_graph(store: GraphStore, graph: str) -> int:
    rows = store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(rows[0]["n"])
