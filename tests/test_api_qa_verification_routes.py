"""The HTTP face of question answering (/ask, /raft/dataset, /health) and of verification
(/reports/verification, /claims/{id}/verification), over the real seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from compute.registry import default_registry
from compute.run import verify_all
from kg.load import load_sources
from kg.search_index import update_search_index
from kg.store import OxigraphStore
from tests.conftest import SEEDS
from tests.test_api_errors import assert_problem


@pytest.fixture(scope="module")
def verified_client(tmp_path_factory, seed_paths, vocabulary):
    """A service over a store whose claims were verified and whose search index is BM25 only."""
    root = tmp_path_factory.mktemp("served")
    settings = Settings(store_path=root / "store", index_path=root / "index", embedding_model=None, seeds_path=SEEDS)
    with OxigraphStore(settings.store_path) as store:
        load_sources(store, seed_paths, vocabulary)
        verify_all(store, default_registry())
        update_search_index(store, settings)
    with TestClient(create_app(settings)) as client:
        yield client


@pytest.fixture(scope="module")
def unindexed_client(api_settings, tmp_path_factory):
    settings = api_settings.model_copy(update={"index_path": tmp_path_factory.mktemp("none") / "index"})
    with TestClient(create_app(settings)) as client:
        yield client


def test_health_says_how_search_runs(unindexed_client: TestClient, verified_client: TestClient) -> None:
    assert "no search index" in unindexed_client.get("/health").json()["search"]
    health = verified_client.get("/health").json()
    assert health["status"] == "ok" and health["quads"] > 50_000 and health["search"].startswith("BM25 only")


def test_ask_without_an_index_is_a_503_problem(unindexed_client: TestClient) -> None:
    assert_problem(unindexed_client.post("/ask", json={"question": "How large is the model?"}), 503)


def test_ask_quotes_are_exact_spans_of_the_seed_files(verified_client: TestClient) -> None:
    response = verified_client.post("/ask", json={"question": "How many parameters does Qwen1.5-MoE have in total?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["cot_answer"].rstrip().splitlines()[-1].startswith("<ANSWER>:")
    assert body["quotes"] and body["oracle"]
    for quote in body["quotes"]:
        text = (SEEDS / quote["file"]).read_text(encoding="utf-8")
        assert text[quote["start"] : quote["end"]] == quote["text"]
        assert f"##begin_quote##{quote['text']}##end_quote##" in body["cot_answer"]


def test_ask_rejects_an_empty_question(verified_client: TestClient) -> None:
    assert_problem(verified_client.post("/ask", json={"question": ""}), 422)


def test_raft_dataset_streams_jsonl_records(verified_client: TestClient) -> None:
    response = verified_client.get("/raft/dataset", params={"limit": 5, "p": 0.6, "seed": 3, "distractors": 2})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == 5
    assert {"id", "type", "question", "context", "oracle_context", "cot_answer", "instruction"} <= set(records[0])
    assert sum(1 for r in records if r["oracle_context"] in r["context"]["sentences"][0] or
               any(r["oracle_context"] in s for s in r["context"]["sentences"])) == 3  # round(0.6 * 5)


@pytest.mark.parametrize("query,accept,media_type", [
    ({"format": "sarif"}, None, "application/sarif+json"),
    ({}, "text/markdown", "text/markdown"),
    ({}, "text/html", "text/html"),
    ({}, None, "application/json"),
])
def test_verification_report_formats(verified_client: TestClient, query, accept, media_type) -> None:
    headers = {"Accept": accept} if accept else {}
    response = verified_client.get("/reports/verification", params=query, headers=headers)
    assert response.status_code == 200 and response.headers["content-type"].startswith(media_type)
    if media_type == "application/sarif+json":
        assert response.json()["version"] == "2.1.0"


def test_report_with_no_acceptable_format_is_406(verified_client: TestClient) -> None:
    assert_problem(verified_client.get("/reports/verification", headers={"Accept": "image/png"}), 406)
    assert_problem(verified_client.get("/reports/verification", params={"format": "pdf"}), 406)


def test_one_claims_verification_and_the_verdict_filter(verified_client: TestClient) -> None:
    refuted = verified_client.get("/claims", params={"verdict": "refuted", "limit": 5}).json()["items"]
    assert refuted, "the seeds hold refuted claims once verified"
    claim_id = refuted[0]["id"]
    body = verified_client.get(f"/claims/{claim_id}/verification").json()
    assert body["claim_id"] == claim_id and body["verdict"] == "refuted"
    assert body["verifications"][0]["method"]
    assert verified_client.get(f"/claims/{claim_id}").json()["id"] == claim_id, "the plain claim route still works"
