"""The whole seed corpus through the real pipeline into a real on-disk store: SHACL, idempotence, removal,
cross-file paper resolution, and bad input leaving the store untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import SourceError
from kg.iris import graph_iri
from kg.load import load_sources
from kg.stats import graph_stats
from kg.store import OxigraphStore
from kg.validation import validate_graph

SEED_NAMES = ["000_ece389bdadead4ee.txt", "001_2517cdbbfddb583d.txt", "002_0b13b7f50963ea36.txt", "003_6cf4c1c6134e3cdc.txt"]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory, seed_paths, vocabulary) -> OxigraphStore:
    store = OxigraphStore(tmp_path_factory.mktemp("seeded") / "store")
    load_sources(store, seed_paths, vocabulary)
    return store


def _nquads(store: OxigraphStore) -> bytes:
    return store.serialize("nq")


def test_seed_graph_conforms_to_shapes(seeded) -> None:
    report = validate_graph(seeded)
    assert report.conforms, report.text[:3000]


def test_stats_count_each_paper_once_and_once_per_source(seeded) -> None:
    stats = graph_stats(seeded)
    assert set(stats.papers_by_source) == set(SEED_NAMES)
    assert stats.papers < sum(stats.papers_by_source.values()), "papers found in two files count once overall"
    assert stats.documents == 1 + 81 + 100 + 78
    assert stats.claims > 300 and stats.triples > 50_000


def test_a_paper_in_several_files_is_one_node_with_every_source(seeded) -> None:
    rows = seeded.select(
        """PREFIX cg: <https://claimgraph.dev/ontology#>
        SELECT ?paper (COUNT(DISTINCT ?g) AS ?files) WHERE { GRAPH ?g { ?paper a cg:Paper ; cg:arxivId "2403.08540" } }
        GROUP BY ?paper"""
    )
    assert len(rows) == 1 and rows[0]["files"] == "2", "newsletter bibliography + listing entry resolve to one paper"
    listing_and_dump = seeded.select(
        """PREFIX cg: <https://claimgraph.dev/ontology#>
        SELECT DISTINCT ?g WHERE { GRAPH ?g { ?paper a cg:Paper ; cg:arxivId "2406.04770" } }"""
    )
    assert {row["g"] for row in listing_and_dump} == {graph_iri(SEED_NAMES[2]), graph_iri(SEED_NAMES[3])}


def test_ingesting_twice_gives_the_same_graph(tmp_path: Path, seed_paths, vocabulary) -> None:
    store = OxigraphStore(tmp_path / "store")
    load_sources(store, seed_paths, vocabulary)
    first = _nquads(store)
    load_sources(store, seed_paths, vocabulary)
    load_sources(store, seed_paths[1:2], vocabulary)
    assert b"_:" not in first, "every node has a deterministic IRI, so N-Quads compare line by line"
    assert sorted(first.splitlines()) == sorted(_nquads(store).splitlines())


def test_removing_a_file_removes_exactly_its_graph(tmp_path: Path, seed_paths, vocabulary) -> None:
    store = OxigraphStore(tmp_path / "store")
    load_sources(store, [seed_paths[1]], vocabulary)
    only_listing = sorted(_nquads(store).splitlines())
    load_sources(store, [seed_paths[2]], vocabulary)
    store.remove_graph(graph_iri(SEED_NAMES[2]))
    assert sorted(_nquads(store).splitlines()) == only_listing


def test_bad_file_in_a_batch_leaves_the_store_unchanged(tmp_path: Path, seed_paths, vocabulary) -> None:
    store = OxigraphStore(tmp_path / "store")
    load_sources(store, [seed_paths[0]], vocabulary)
    before = _nquads(store)
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\xff\xfe not text")
    with pytest.raises(SourceError, match="broken.txt:1: not valid UTF-8"):
        load_sources(store, [seed_paths[1], bad], vocabulary)
    assert _nquads(store) == before


def test_store_persists_across_reopen(tmp_path: Path, seed_paths, vocabulary) -> None:
    path = tmp_path / "store"
    with OxigraphStore(path) as store:
        load_sources(store, [seed_paths[2]], vocabulary)
        count = len(store)
    with OxigraphStore(path) as reopened:
        assert len(reopened) == count > 0
