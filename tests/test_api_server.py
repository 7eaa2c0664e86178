"""The real thing: `kg serve` (uvicorn) on 127.0.0.1 on a free port, queried over HTTP by SPARQLWrapper (a real
SPARQL client) and httpx, then stopped."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph
from SPARQLWrapper import JSON, POST, TURTLE, XML, SPARQLWrapper

from tests.kg_serve import serving


@pytest.fixture(scope="module")
def server(seed_store_path: Path) -> Iterator[str]:
    with serving({"store_path": str(seed_store_path)}) as base:
        yield base


def sparql(base: str, query: str, fmt: str, method: str | None = None):
    client = SPARQLWrapper(f"{base}/sparql")
    client.setQuery(query)
    client.setReturnFormat(fmt)
    if method:
        client.setMethod(method)
    return client.query()


def test_select_with_sparqlwrapper(server: str) -> None:
    query = "SELECT ?claim ?value WHERE { ?claim a cg:Claim ; cg:value ?value } ORDER BY ?claim LIMIT 5"
    rows = sparql(server, query, JSON).convert()["results"]["bindings"]
    assert len(rows) == 5 and all(float(row["value"]["value"]) == float(row["value"]["value"]) for row in rows)
    posted = sparql(server, query, JSON, POST).convert()["results"]["bindings"]
    assert posted == rows


def test_ask_and_xml_with_sparqlwrapper(server: str) -> None:
    assert sparql(server, "ASK { ?p a cg:Paper }", JSON).convert()["boolean"] is True
    document = sparql(server, "SELECT ?p WHERE { ?p a cg:Paper } LIMIT 2", XML).convert()
    assert len(document.getElementsByTagName("result")) == 2


def test_construct_with_sparqlwrapper(server: str) -> None:
    query = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a cg:Paper ; dcterms:title ?t } LIMIT 4"
    turtle = sparql(server, query, TURTLE).convert()
    assert len(Graph().parse(data=turtle, format="turtle")) == 4


def test_rest_and_errors_with_httpx(server: str) -> None:
    with httpx.Client(base_url=server, timeout=10) as client:
        stats = client.get("/stats").json()
        assert stats["claims"] > 0
        paper = client.get("/papers/2403.08540").json()
        assert paper["id"] == "arxiv-2403.08540"
        bad = client.get("/sparql", params={"query": "SELECT"})
        assert bad.status_code == 400 and bad.headers["content-type"] == "application/problem+json"
        assert client.get("/openapi.json").json()["info"]["title"] == "ClaimGraph"
        refused = client.post("/sparql", content="CLEAR ALL", headers={"Content-Type": "application/sparql-update"})
        assert refused.status_code == 403
