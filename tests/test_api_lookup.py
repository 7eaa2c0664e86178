"""REST look-ups over the seed graph: paging and filters, each resource's content, spans that slice back into
their source files, and the same resources as JSON-LD and Turtle."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse

from kg.stats import graph_stats
from kg.store import OxigraphStore

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
PAPER = "2403.08540"
CLAIM = "000_ece389bdadead4ee/article/c2809-2819"
DOCUMENT = "001_2517cdbbfddb583d/L133"


def source_text(name: str) -> str:
    return (SEEDS / name).read_text(encoding="utf-8")


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    return response.json()


def test_papers_are_paged(client: TestClient) -> None:
    first = ok(client.get("/papers", params={"limit": 5}))
    assert len(first["items"]) == 5 and first["total"] > 5 and first["offset"] == 0
    second = ok(client.get(first["next"].replace("http://testserver", "")))
    assert second["offset"] == 5
    assert not {p["id"] for p in first["items"]} & {p["id"] for p in second["items"]}
    last = ok(client.get("/papers", params={"limit": 5, "offset": first["total"] - 2}))
    assert len(last["items"]) == 2 and last["next"] is None


def test_papers_filtered_by_title_and_source(client: TestClient) -> None:
    found = ok(client.get("/papers", params={"q": "OVER-TRAINING"}))["items"]
    assert any(p["arxiv_id"] == PAPER for p in found)
    assert all("over-training" in (p["title"] or "").lower() for p in found)
    in_source = ok(client.get("/papers", params={"source": "002_0b13b7f50963ea36.txt", "limit": 500}))
    assert in_source["total"] == ok(client.get("/stats"))["papers_by_source"]["002_0b13b7f50963ea36.txt"]


@pytest.mark.parametrize("paper_id", [PAPER, f"{PAPER}v2", f"arxiv-{PAPER}"])
def test_paper_by_arxiv_id_or_key(client: TestClient, paper_id: str) -> None:
    paper = ok(client.get(f"/papers/{paper_id}"))
    assert paper["id"] == f"arxiv-{PAPER}" and paper["title"].startswith("Language models scale reliably")
    assert paper["abstract"] and paper["sources"] and all(s["source"].endswith(".txt") for s in paper["sources"])
    assert {"presents"} <= {s["role"] for s in paper["sources"]}


def test_paper_by_title_key(client: TestClient) -> None:
    listed = ok(client.get("/papers", params={"q": "SirLLM"}))["items"]
    assert listed and listed[0]["id"].startswith("title-")
    assert ok(client.get(f"/papers/{listed[0]['id']}"))["title"] == listed[0]["title"]


def test_paper_with_claims_and_entities(client: TestClient) -> None:
    page = ok(client.get("/claims", params={"limit": 500}))
    assert page["total"] > 0
    papers = [ok(client.get(f"/papers/{p['id']}")) for p in ok(client.get("/papers", params={"limit": 60}))["items"]]
    assert any(p["claims"] for p in papers) and any(p["entities"] for p in papers)


def test_entities_filtered_by_type_and_name(client: TestClient) -> None:
    models = ok(client.get("/entities", params={"type": "Model", "limit": 500}))
    assert models["total"] == ok(client.get("/stats"))["entities_by_type"]["Model"]
    assert {e["type"] for e in models["items"]} == {"Model"}
    named = ok(client.get("/entities", params={"q": "dbrx"}))["items"]
    assert [e["id"] for e in named] == ["dbrx"]


def test_entity_detail(client: TestClient) -> None:
    dbrx = ok(client.get("/entities/dbrx"))
    assert dbrx["name"] == "DBRX" and dbrx["type"] == "Model" and dbrx["aliases"]
    assert dbrx["mentions_total"] >= len(dbrx["mentions"]) > 0
    text = source_text("000_ece389bdadead4ee.txt")
    for mention in dbrx["mentions"]:
        span = mention["span"]
        if mention["document"].startswith("000_"):
            assert text[span["start"]:span["end"]] == span["surface"]
    assert dbrx["related"] and all(r["depth"] == 1 for r in dbrx["related"])
    assert ok(client.get("/entities/model/dbrx")) == dbrx
    assert client.get("/entities/technique/dbrx").status_code == 404


def test_claims_filtered(client: TestClient) -> None:
    sizes = ok(client.get("/claims", params={"kind": "size", "limit": 500}))
    assert sizes["total"] > 0 and {c["kind"] for c in sizes["items"]} == {"size"}
    percent = ok(client.get("/claims", params={"unit": "percent", "limit": 500}))["items"]
    assert percent and {c["unit"] for c in percent} == {"percent"}
    about = ok(client.get("/claims", params={"subject": "dbrx", "limit": 500}))["items"]
    assert about and {c["subject"] for c in about} == {"dbrx"}
    # no verifier has run on this graph yet: a verdict filter finds nothing, and is not an error
    assert ok(client.get("/claims", params={"verdict": "consistent"}))["total"] == 0


def test_claim_detail_slices_back_into_its_source(client: TestClient) -> None:
    claim = ok(client.get(f"/claims/{CLAIM}"))
    assert claim["id"] == CLAIM and claim["source"] == "000_ece389bdadead4ee.txt" and claim["verdicts"] == []
    text = source_text(claim["source"])
    for span in (claim["span"], claim["sentence"]):
        assert text[span["start"]:span["end"]] == span["surface"]
    assert claim["sentence"]["start"] <= claim["span"]["start"] < claim["span"]["end"] <= claim["sentence"]["end"]


def test_document_text_and_spans(client: TestClient) -> None:
    document = ok(client.get(f"/documents/{DOCUMENT}"))
    text = source_text(document["source"])
    assert document["kind"] == "listing_entry" and document["text"] == text[document["span"]["start"]:document["span"]["end"]]
    spans = [*document["sentences"], *(m["span"] for m in document["mentions"]), document["title_span"]]
    for span in filter(None, spans):
        assert text[span["start"]:span["end"]] == span["surface"]
        assert document["span"]["start"] <= span["start"] and span["end"] <= document["span"]["end"]


def test_stats_match_the_graph(client: TestClient, seed_store_path: Path) -> None:
    with OxigraphStore(seed_store_path) as store:
        expected = graph_stats(store)
    assert ok(client.get("/stats")) == expected.model_dump(mode="json")


@pytest.mark.parametrize("url, iri", [
    (f"/papers/{PAPER}", f"https://claimgraph.dev/id/paper/arxiv-{PAPER}"),
    (f"/claims/{CLAIM}", f"https://claimgraph.dev/id/claim/{CLAIM}"),
    ("/entities/dbrx", "https://claimgraph.dev/id/model/dbrx"),
    (f"/documents/{DOCUMENT}", f"https://claimgraph.dev/id/doc/{DOCUMENT}"),
])
def test_resources_as_rdf(client: TestClient, url: str, iri: str) -> None:
    for accept, rdf_format in (("application/ld+json", RdfFormat.JSON_LD), ("text/turtle", RdfFormat.TURTLE)):
        response = client.get(url, headers={"Accept": accept})
        assert response.status_code == 200 and response.headers["content-type"].startswith(accept)
        subjects = {triple.subject.value for triple in parse(response.content, rdf_format)}
        assert iri in subjects


def test_a_page_as_turtle_describes_its_items(client: TestClient) -> None:
    page = ok(client.get("/claims", params={"limit": 3}))
    turtle = client.get("/claims", params={"limit": 3}, headers={"Accept": "text/turtle"})
    subjects = {t.subject.value for t in parse(turtle.content, RdfFormat.TURTLE)}
    assert {c["iri"] for c in page["items"]} <= subjects
