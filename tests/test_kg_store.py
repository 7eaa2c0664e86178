"""OxigraphStore: idempotent atomic graph replacement, removal of one file, persistence, export, errors, stats."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import kg.store
from kg.iris import graph_iri
from kg.mapping import result_to_quads, store_result
from kg.sparql import NAMED_QUERIES, QueryError, run_query
from kg.stats import graph_stats
from kg.store import FORMATS, OxigraphStore, StoreError
from tests.kg_samples import store  # noqa: F401  (the shared sample-store fixture)
from tests.kg_samples import ARTICLE_FILE, LISTING_FILE, article_result, listing_result

ARTICLE_GRAPH = graph_iri(ARTICLE_FILE)


def contents(store: OxigraphStore) -> set[pyoxigraph.Quad]:
    rows = store.query("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return {pyoxigraph.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows}


def test_replace_graph_is_idempotent(store: OxigraphStore) -> None:
    before = contents(store)
    store_result(store, article_result())
    store_result(store, article_result())
    assert contents(store) == before
    assert len(store) == len(before) == store.count_triples()


def test_replace_graph_swaps_the_old_content_out(store: OxigraphStore) -> None:
    result = article_result()
    fewer = result.model_copy(update={"claims": result.claims[:1]})
    store_result(store, fewer)
    assert contents(store) == set(result_to_quads(fewer)) | set(result_to_quads(listing_result()))


def test_remove_graph_removes_exactly_one_file(store: OxigraphStore) -> None:
    store.remove_graph(ARTICLE_GRAPH)
    assert store.graphs() == [graph_iri(LISTING_FILE)]
    assert contents(store) == set(result_to_quads(listing_result()))
    store.remove_graph(ARTICLE_GRAPH)  # removing an absent graph is not an error


def _failing(quads: list[pyoxigraph.Quad]) -> Iterator[pyoxigraph.Quad]:
    yield from quads[: len(quads) // 2]
    raise RuntimeError("reader crashed half-way")


def test_error_while_reading_quads_leaves_the_store_unchanged(store: OxigraphStore) -> None:
    before = contents(store)
    fewer = article_result().model_copy(update={"claims": []})
    with pytest.raises(RuntimeError, match="half-way"):
        store.replace_graph(ARTICLE_GRAPH, _failing(result_to_quads(fewer)))
    assert contents(store) == before


def test_quad_in_another_graph_is_refused_without_writing(store: OxigraphStore) -> None:
    before = contents(store)
    stray = result_to_quads(listing_result())[:1]
    with pytest.raises(StoreError, match="not in graph"):
        store.replace_graph(ARTICLE_GRAPH, result_to_quads(article_result())[:10] + stray)
    assert contents(store) == before


def test_failure_inside_the_write_transaction_rolls_back(store: OxigraphStore, monkeypatch) -> None:
    # the store's own update fails after the DELETE and INSERT parts ran: the transaction must undo both
    before = contents(store)
    statement = kg.store.replace_statement
    monkeypatch.setattr(
        kg.store, "replace_statement", lambda *args: statement(*args) + " ;\nDROP GRAPH <https://example.org/missing>"
    )
    fewer = article_result().model_copy(update={"claims": []})
    with pytest.raises(QueryError, match="does not exist"):
        store.replace_graph(ARTICLE_GRAPH, result_to_quads(fewer))
    assert contents(store) == before


def test_persists_across_reopen(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "store") as first:
        store_result(first, article_result())
        expected = contents(first)
    reopened = OxigraphStore(tmp_path / "store")
    assert contents(reopened) == expected
    assert reopened.graphs() == [ARTICLE_GRAPH]


def test_second_writer_on_the_same_directory_is_a_store_error(tmp_path: Path) -> None:
    first = OxigraphStore(tmp_path / "store")
    with pytest.raises(StoreError, match="cannot open"):
        OxigraphStore(tmp_path / "store")
    first.close()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # rdflib's own parsers use its deprecated API
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_export_format_parses_back(store: OxigraphStore, fmt: str) -> None:
    out = io.BytesIO()
    store.serialize(fmt, out)
    rdflib_format = {"ttl": "turtle", "nt": "nt", "nq": "nquads", "trig": "trig", "jsonld": "json-ld"}[fmt]
    if FORMATS[fmt].supports_datasets:
        dataset = Dataset().parse(data=out.getvalue(), format=rdflib_format)
        graphs = {str(g.identifier): g for g in dataset.graphs() if len(g)}
        assert set(graphs) == set(store.graphs())
        for name, graph in graphs.items():
            assert isomorphic(graph, Graph().parse(data=store.serialize("nt", graph_iri=name), format="nt"))
    else:
        union = Graph().parse(data=store.serialize("nt"), format="nt")
        assert isomorphic(Graph().parse(data=out.getvalue(), format=rdflib_format), union)


def test_export_of_one_graph(store: OxigraphStore) -> None:
    data = store.serialize("ttl", graph_iri=graph_iri(LISTING_FILE))
    assert len(Graph().parse(data=data, format="turtle")) == len(set(result_to_quads(listing_result())))


def test_unknown_export_format_names_the_known_ones(store: OxigraphStore) -> None:
    with pytest.raises(StoreError, match="ttl, nt, nq, trig, jsonld"):
        store.serialize("rdfxml")


def test_tricky_literals_survive_the_update_text(store: OxigraphStore) -> None:
    # literals travel as N-Triples inside a SPARQL update: escapes must not be reinterpreted
    graph = pyoxigraph.NamedNode(graph_iri("tricky.txt"))
    subject, predicate = pyoxigraph.NamedNode("https://example.org/s"), pyoxigraph.NamedNode("https://example.org/p")
    values = ['\\u0022', 'a\\\\u0041', '"quoted"', "}} ; DROP ALL ;", "tab\tcr\rlf\n\x01", "\U0001f680 é"]
    quads = [pyoxigraph.Quad(subject, predicate, pyoxigraph.Literal(v), graph) for v in values]
    store.replace_graph(graph.value, quads)
    stored = {q.object.value for q in contents(store) if q.graph_name == graph}
    assert stored == set(values)


def test_bad_sparql_raises_query_error_with_the_parser_message(store: OxigraphStore) -> None:
    with pytest.raises(QueryError) as caught:
        store.query("SELEC ?x WHERE { ?x ?y ?z }")
    assert "1:" in caught.value.message and caught.value.sparql.startswith("SELEC")
    with pytest.raises(QueryError):
        store.update("INSERT DATA { <a> }")


def test_select_and_run_query(store: OxigraphStore) -> None:
    rows = store.select("SELECT ?g WHERE { GRAPH ?g { ?s a <https://claimgraph.dev/ontology#SourceFile> } }")
    assert sorted(r["g"] for r in rows) == store.graphs()
    outcome = run_query(store, "ASK { ?s a <https://claimgraph.dev/ontology#Claim> }")
    assert (outcome.kind, outcome.as_text()) == ("ask", "true")
    table = run_query(store, "SELECT ?s ?missing WHERE { ?s a <https://claimgraph.dev/ontology#SourceFile> }")
    assert table.variables == ["s", "missing"] and all(row[1] is None for row in table.rows)


@pytest.mark.parametrize("name", sorted(NAMED_QUERIES))
def test_every_named_query_runs(store: OxigraphStore, name: str) -> None:
    rows = run_query(store, NAMED_QUERIES[name]).rows
    assert rows == [] if name == "span_mismatches" else rows  # the sample's spans are all sound


def test_stats_count_a_shared_paper_once_overall_and_once_per_file(store: OxigraphStore) -> None:
    stats = graph_stats(store)
    assert stats.papers == 1
    assert stats.papers_by_source == {ARTICLE_FILE: 1, LISTING_FILE: 1}
    assert stats.documents == 2
    assert stats.claims == len(article_result().claims) + len(listing_result().claims)
    assert stats.entities_by_type == {
        "Paper": 1, "Model": 2, "Technique": 1, "Benchmark": 1, "Organisation": 1, "Hardware": 1
    }
    assert stats.triples == len(store)


def test_opening_creates_missing_parent_directories(tmp_path: Path) -> None:
    with OxigraphStore(tmp_path / "not" / "yet" / "store") as store:
        assert len(store) == 0
    assert (tmp_path / "not" / "yet" / "store").is_dir()
