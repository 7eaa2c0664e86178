"""The GraphStore interface over a real SPARQL 1.1 server: the Oxigraph server (PyPI `oxigraph`) started on
127.0.0.1 on a free port. The same loading, stats, claims, verification and export run on it unchanged."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
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

OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
pytestmark = pytest.mark.skipif(not Path(OXIGRAPH).exists(), reason="the oxigraph server (pip install oxigraph) is not installed")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(location: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen([OXIGRAPH, "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}",
                               "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=1)
            return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.kill()
    raise RuntimeError("the oxigraph server did not start")


def _store(port: int) -> SparqlHttpStore:
    base = f"http://127.0.0.1:{port}"
    return SparqlHttpStore(f"{base}/query", f"{base}/update", f"{base}/store", timeout_s=30)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    location, port = tmp_path_factory.mktemp("oxigraph") / "data", _free_port()
    process = _start(location, port)
    yield location, port, process
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def remote(server, seed_paths, vocabulary) -> SparqlHttpStore:
    store = _store(server[1])
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


def test_malformed_query_is_a_query_error(remote) -> None:
    with pytest.raises(QueryError):
        remote.select("SELECT ?x WHERE { ?x")


def test_unreachable_server_is_a_clear_store_error_and_recovery_follows(tmp_path: Path) -> None:
    port = _free_port()
    store = _store(port)
    with pytest.raises(StoreError, match="unreachable"):
        store.graphs()
    process = _start(tmp_path / "data", port)
    try:
        assert store.graphs() == [], "the same client works once the server is back"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_kg_commands_work_against_the_server(server, remote, monkeypatch) -> None:
    import json

    from typer.testing import CliRunner

    from api.cli import app

    base = f"http://127.0.0.1:{server[1]}"
    for name, value in (("STORE_BACKEND", "sparql"), ("SPARQL_QUERY_URL", f"{base}/query"),
                        ("SPARQL_UPDATE_URL", f"{base}/update"), ("SPARQL_GRAPH_STORE_URL", f"{base}/store")):
        monkeypatch.setenv(f"CLAIMGRAPH_{name}", value)
    runner = CliRunner()
    stats = json.loads(runner.invoke(app, ["stats", "--json"]).stdout)
    assert stats == graph_stats(remote).model_dump(mode="json")
    monkeypatch.setenv("CLAIMGRAPH_SPARQL_QUERY_URL", f"http://127.0.0.1:{_free_port()}/query")
    down = runner.invoke(app, ["stats", "--json"])
    assert down.exit_code == 2 and "unreachable" in down.stderr
