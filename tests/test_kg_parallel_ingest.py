"""Parallel ingestion on Dask writes exactly the quads, and reports exactly the counts, of the serial path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.iris import graph_iri
from kg.load import LoadSummary, load_sources
from kg.parallel_ingest import ParallelOptions, ingest_parallel
from kg.remote_store import SparqlHttpStore
from kg.store import OxigraphStore, StoreError

BATCH = 7  # small, so every file but the one-article newsletter is split across several tasks and shards


@pytest.fixture(scope="module")
def serial(seed_paths: list[Path], vocabulary) -> tuple[set[bytes], LoadSummary]:
    store = OxigraphStore()
    summary = load_sources(store, seed_paths, vocabulary)
    return _lines(store), summary


def _lines(store: OxigraphStore) -> set[bytes]:
    return set(store.serialize("nq").splitlines())


def _counts(summary: LoadSummary) -> list[dict]:
    return [row.model_dump() for row in summary.files]


@pytest.mark.parametrize("bulk", [False, True], ids=["transactional", "bulk-loader"])
def test_parallel_ingest_on_a_cluster_equals_serial(tmp_path: Path, seed_paths, vocabulary, serial, dask_scheduler, bulk):
    store = OxigraphStore(tmp_path / "store")
    summary = ingest_parallel(store, seed_paths, vocabulary,
                              ParallelOptions(scheduler=dask_scheduler, batch_documents=BATCH, bulk=bulk,
                                              shard_dir=tmp_path / "shards"))
    assert _lines(store) == serial[0]
    assert _counts(summary) == _counts(serial[1])
    shards = sorted((tmp_path / "shards").glob("*.nq"))
    assert len(shards) == sum(-(-row.documents // BATCH) for row in summary.files)


def test_parallel_ingest_on_the_default_local_cluster_replaces_stored_graphs(tmp_path: Path, seed_paths, vocabulary, serial):
    store = OxigraphStore(tmp_path / "store")
    load_sources(store, seed_paths[:2], vocabulary)
    store.update(f"INSERT DATA {{ GRAPH <{graph_iri(seed_paths[0].name)}> {{ <urn:stale> <urn:stale> 1 }} }}")
    ingest_parallel(store, seed_paths, vocabulary, ParallelOptions(workers=2, batch_documents=50))
    assert _lines(store) == serial[0]
    assert not list(tmp_path.glob("claimgraph-shards-*"))


def test_bulk_loading_is_refused_for_a_sparql_server(seed_paths, vocabulary):
    with pytest.raises(StoreError, match="bulk loading needs the embedded store"):
        ingest_parallel(SparqlHttpStore("http://127.0.0.1:9/query"), seed_paths, vocabulary, ParallelOptions(bulk=True))


def _graph_sizes(store: OxigraphStore) -> dict[str, int]:
    return {graph: int(store.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")[0]["n"])
            for graph in store.graphs()}


@pytest.fixture()
def shards(tmp_path: Path, seed_paths, vocabulary) -> tuple[Path, str, list[Path]]:
    """A store holding the seeds, and the last seed file's graph written out as two shards."""
    store_path = tmp_path / "store"
    with OxigraphStore(store_path) as store:
        load_sources(store, seed_paths, vocabulary)
        graph = graph_iri(seed_paths[-1].name)
        lines = store.serialize("nq", graph_iri=graph).splitlines(keepends=True)
    halves = [tmp_path / "first.nq", tmp_path / "second.nq"]
    halves[0].write_bytes(b"".join(lines[: len(lines) // 2]))
    halves[1].write_bytes(b"".join(lines[len(lines) // 2:]))
    return store_path, graph, halves


def test_a_bulk_load_that_fails_removes_the_partial_graph_and_keeps_the_others(shards):
    store_path, graph, (first, second) = shards
    second.write_bytes(second.read_bytes() + b"<urn:broken> .\n")
    with OxigraphStore(store_path) as store:
        before = _graph_sizes(store)
        with pytest.raises(StoreError, match="failed, graph removed"):
            store.bulk_replace_graph(graph, [first, second])
        assert _graph_sizes(store) == {g: n for g, n in before.items() if g != graph}


def test_a_bulk_load_killed_midway_leaves_no_half_graph(shards):
    """The loader is killed while it waits on its second shard (a FIFO nobody writes): the first is in, and the
    graph is marked incomplete; opening the store again drops it."""
    store_path, graph, (first, second) = shards
    fifo = second.with_suffix(".fifo")
    os.mkfifo(fifo)
    loader = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from kg.store import OxigraphStore; "
        f"OxigraphStore(sys.argv[1]).bulk_replace_graph(sys.argv[2], [Path(sys.argv[3]), Path(sys.argv[4])])"),
        str(store_path), graph, str(first), str(fifo)], cwd=Path(__file__).parent.parent)
    try:
        with open(fifo, "wb"):  # opens once the loader has reached the second shard, the first one loaded
            loader.kill()
    finally:
        loader.wait(timeout=30)
    with OxigraphStore(store_path) as store:
        assert graph not in store.graphs()
        assert not store.select("SELECT * WHERE { GRAPH ?g { ?g cg:loadIncomplete ?mark } }")
        store.bulk_replace_graph(graph, [first, second])
        assert graph in store.graphs()
