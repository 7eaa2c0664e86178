"""The GraphStore interface over real SPARQL 1.1 servers started on 127.0.0.1 on free ports: the Oxigraph server
(PyPI `oxigraph`) and, opted in with CLAIMGRAPH_TEST_VIRTUOSO=1, Virtuoso Open Source 7 (`make test-virtuoso`).
The same loading, stats, claims, verification and export run on each unchanged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from compute.registry import default_registry
from compute.run import verify_all
from kg.iris import graph_iri
from kg.load import load_sources
from kg.mapping import claims_from_store
from kg.remote_store import SparqlHttpStore
from kg.sparql import QueryError
from kg.stats import graph_stats
from kg.store import OxigraphStore, StoreError
from tests.oxigraph_server import OxigraphServer, free_port, needs_oxigraph
from tests.virtuoso_server import VirtuosoServer, needs_virtuoso

SERVERS = [pytest.param(OxigraphServer, id="oxigraph", marks=needs_oxigraph),
           pytest.param(VirtuosoServer, id="virtuoso", marks=needs_virtuoso)]


@pytest.fixture(scope="module", params=SERVERS)
def server_type(request: pytest.FixtureRequest) -> type[OxigraphServer | VirtuosoServer]:
    return request.param


@pytest.fixture(scope="module")
def server(server_type, tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer | VirtuosoServer]:
    """An empty server of each kind, started on a fresh directory."""
    running = server_type(tmp_path_factory.mktemp(server_type.__name__) / "data", free_port())
    running.start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def remote(server, seed_paths, vocabulary) -> SparqlHttpStore:
    store = server.store()
    load_sources(store, seed_paths, vocabulary)
    return store


def test_seed_graph_on_the_server_matches_the_embedded_store(remote, seed_paths, vocabulary) -> None:
    local = OxigraphStore()
    load_sources(local, seed_paths, vocabulary)
    assert graph_stats(remote) == graph_stats(local)
    assert claims_from_store(remote, "000_ece389bdadead4ee/article") == claims_from_store(local, "000_ece389bdadead4ee/article")
    assert sorted(remote.serialize("nq").splitlines()) == sorted(local.serialize("nq").splitlines())


def test_reingest_replaces_one_graph_and_remove_drops_it(remote, seed_paths, vocabulary) -> None:
    before = len(remote)
    load_sources(remote, seed_paths[2:3], vocabulary)
    assert len(remote) == before, "re-ingesting a file replaces its graph (idempotent)"
    remote.remove_graph(graph_iri(seed_paths[2].name))
    assert graph_iri(seed_paths[2].name) not in remote.graphs() and len(remote) < before
    load_sources(remote, seed_paths[2:3], vocabulary)
    assert len(remote) == before


def test_verification_runs_unchanged_on_the_server(remote) -> None:
    run = verify_all(remote, default_registry())
    assert run.checked > 0
    refuted = remote.select("SELECT ?c WHERE { ?v cg:verifies ?c ; cg:verdict \"refuted\" }")
    assert len(refuted) == run.by_verdict.get("refuted", 0)


def test_ask_and_construct_answer_as_on_the_embedded_store(remote) -> None:
    assert remote.ask("ASK { ?c a cg:Claim }") is True
    assert remote.ask("ASK { ?c a cg:NoSuchClass }") is False
    triples = list(remote.query("CONSTRUCT { ?c a cg:Claim } WHERE { ?c a cg:Claim } LIMIT 3"))
    assert len(triples) == 3 and all(t.object.value.endswith("#Claim") for t in triples)


def test_malformed_query_is_a_query_error(remote) -> None:
    with pytest.raises(QueryError):
        remote.select("SELECT ?x WHERE { ?x")


@needs_virtuoso
def test_a_result_virtuoso_cut_short_is_an_error_not_a_partial_answer(tmp_path: Path) -> None:
    capped = VirtuosoServer(tmp_path / "data", free_port(), max_rows=10)
    capped.start()
    try:
        store = capped.store()
        store.update("INSERT DATA { GRAPH <https://claimgraph.dev/id/graph/x> { "
                     + " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(20)) + " } }")
        assert len(store.select("SELECT ?s WHERE { ?s ?p ?o } LIMIT 9")) == 9  # under the cap: answered
        with pytest.raises(StoreError, match="ResultSetMaxRows"):
            store.serialize("nq")
    finally:
        capped.stop()


def test_unreachable_server_is_a_clear_store_error_and_recovery_follows(server_type, tmp_path: Path) -> None:
    back = server_type(tmp_path / "data", free_port())
    store = back.store()
    with pytest.raises(StoreError, match="unreachable"):
        store.graphs()
    back.start()
    try:
        assert store.graphs() == [], "the same client works once the server is back"
    finally:
        back.stop()


def test_kg_commands_work_against_the_server(server, remote, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from api.cli import app

    for name, value in server.settings().items():
        monkeypatch.setenv(f"CLAIMGRAPH_{name.upper()}", value)
    runner = CliRunner()
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats == graph_stats(remote).model_dump(mode="json")
    monkeypatch.setenv("CLAIMGRAPH_SPARQL_QUERY_URL", f"http://127.0.0.1:{free_port()}/query")
    down = runner.invoke(app, ["stats", "--json"])
    assert down.exit_code == 2 and "unreachable" in down.stderr
