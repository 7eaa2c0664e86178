"""The `kg` command end to end on the real seeds: ingest, stats, sparql, export, remove, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from typer.testing import CliRunner

from api.cli import app
from tests.conftest import SHARED

runner = CliRunner()


@pytest.fixture(scope="module")
def store(tmp_path_factory, seed_paths) -> Path:
    path = tmp_path_factory.mktemp("cli") / "store"
    result = runner.invoke(app, ["ingest", str(seed_paths[0].parent), "--store", str(path), "--no-index", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert [f["file"] for f in summary["files"]] == [p.name for p in seed_paths]
    return path


def test_stats_json_has_the_documented_keys(store: Path, seed_paths) -> None:
    result = runner.invoke(app, ["stats", "--store", str(store), "--json"])
    stats = json.loads(result.stdout)
    assert {"documents", "papers", "papers_by_source", "entities_by_type", "claims", "triples"} <= set(stats)
    assert set(stats["papers_by_source"]) == {p.name for p in seed_paths}
    assert stats["entities_by_type"]["Model"] > 0 and stats["claims"] > 0


def test_stats_table_for_people(store: Path) -> None:
    result = runner.invoke(app, ["stats", "--store", str(store)])
    assert result.exit_code == 0 and "papers in 000_ece389bdadead4ee.txt" in result.stdout


def test_sparql_with_default_prefixes_and_from_file(store: Path, tmp_path: Path) -> None:
    query = 'SELECT ?claim WHERE { ?claim a cg:Claim ; cg:subject <https://claimgraph.dev/id/model/dbrx> }'
    result = runner.invoke(app, ["sparql", query, "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    assert len(rows) > 5
    query_file = tmp_path / "q.rq"
    query_file.write_text("ASK { ?p a cg:Paper ; cg:arxivId \"2403.10131\" }")
    asked = runner.invoke(app, ["sparql", "--file", str(query_file), "--store", str(store), "--json"])
    assert json.loads(asked.stdout)["boolean"] is True


def test_sparql_syntax_error_is_reported_with_position(store: Path) -> None:
    result = runner.invoke(app, ["sparql", "SELECT ?x WHERE { ?x a cg:Claim", "--store", str(store)])
    assert result.exit_code == 2 and "error at 1:" in result.stderr


@pytest.mark.parametrize("fmt,parse_as", [("ttl", "turtle"), ("nt", "nt"), ("nq", "nquads"), ("trig", "trig"), ("jsonld", "json-ld")])
def test_export_formats_parse_back(store: Path, tmp_path: Path, fmt: str, parse_as: str) -> None:
    out = tmp_path / f"graph.{fmt}"
    result = runner.invoke(app, ["export", "--format", fmt, "--out", str(out), "--store", str(store)])
    assert result.exit_code == 0, result.output
    graph = Dataset() if fmt in ("nq", "trig", "jsonld") else Graph()
    graph.parse(out, format=parse_as)
    assert len(graph) > 0 or sum(1 for _ in graph.quads()) > 50_000


def test_bad_inputs_exit_non_zero_naming_the_file(tmp_path: Path, store: Path) -> None:
    before = runner.invoke(app, ["stats", "--store", str(store), "--json"]).stdout
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    for path, message in ((tmp_path / "missing.txt", "missing.txt: no such file"), (empty, "empty.txt: empty file")):
        result = runner.invoke(app, ["ingest", str(path), "--store", str(store)])
        assert result.exit_code == 2 and message in result.stderr
    assert runner.invoke(app, ["stats", "--store", str(store), "--json"]).stdout == before
    unknown = runner.invoke(app, ["export", "--format", "xml", "--store", str(store)])
    assert unknown.exit_code == 2 and "unknown format" in unknown.stderr


def test_ingest_builds_the_search_index_bm25_only_when_the_model_is_missing(tmp_path: Path, seed_paths, monkeypatch) -> None:
    monkeypatch.setenv("CLAIMGRAPH_EMBEDDING_MODEL", str(tmp_path / "no-such-model"))
    monkeypatch.setenv("CLAIMGRAPH_INDEX_PATH", str(tmp_path / "index"))
    result = runner.invoke(app, ["ingest", str(seed_paths[2]), "--store", str(tmp_path / "store"), "--json"])
    assert result.exit_code == 0, result.output
    index = json.loads(result.stdout)["index"]
    assert index["passages"] > 100 and index["dense"] is False and index["reason"]
    assert (tmp_path / "index" / "manifest.json").is_file()


def test_remove_drops_one_source(tmp_path: Path, seed_paths) -> None:
    path = tmp_path / "store"
    runner.invoke(app, ["ingest", str(seed_paths[2]), str(seed_paths[3]), "--store", str(path), "--no-index", "--json"])
    assert runner.invoke(app, ["remove", seed_paths[2].name, "--store", str(path)]).exit_code == 0
    stats = json.loads(runner.invoke(app, ["stats", "--store", str(path), "--json"]).stdout)
    assert set(stats["papers_by_source"]) == {seed_paths[3].name}
    assert runner.invoke(app, ["remove", seed_paths[2].name, "--store", str(path)]).exit_code == 2


@pytest.mark.skipif(not (SHARED / "eval" / "dev_claims.json").exists(), reason="the development set lives in ../shared/eval")
def test_eval_claims_prints_precision_and_recall() -> None:
    result = runner.invoke(app, ["eval-claims", str(SHARED / "eval" / "dev_claims.json"), "--json"])
    assert result.exit_code == 0, result.output
    score = json.loads(result.stdout)
    assert set(score) == {"precision", "recall", "f1", "gold", "predicted", "matched"}
    assert score["precision"] >= 0.9 and score["recall"] >= 0.9
