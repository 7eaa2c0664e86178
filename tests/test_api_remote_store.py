"""The service over a real SPARQL 1.1 server (the Oxigraph server): the seeds ingested into it through the `kg`
load path and verified, then `kg serve` (uvicorn) started on it gives the same answers as the service over the
embedded store holding the same quads; writes with the token land on the server; the server stopped mid-session is a
503 problem naming it, and served again once it is back; the service starts while the server is down."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pyoxigraph import NamedNode, Quad, RdfFormat, parse

from api.app import create_app
from api.settings import Settings
from bench.synthetic import write_synthetic_dump
from compute.mapping import verification_graph_iri
from compute.registry import default_registry
from compute.run import verify_all
from kg.iris import graph_iri
from kg.load import load_sources
from kg.store import OxigraphStore
from tests.conftest import SEEDS, free_port
from tests.kg_serve import serving
from tests.oxigraph_server import OxigraphServer, needs_oxigraph

pytestmark = needs_oxigraph
TOKEN = "correct horse battery staple"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
GRAPHS = {"application/n-triples": RdfFormat.N_TRIPLES, "text/turtle": RdfFormat.TURTLE}
ARTICLE = graph_iri("000_ece389bdadead4ee.txt")
LISTING = graph_iri("001_2517cdbbfddb583d.txt")
# Counts triples in the default graph and in each named graph: what the dataset parameters change.
WHERE_COUNTS = """SELECT ?where (COUNT(*) AS ?n) WHERE {
  { ?s ?p ?o BIND("default" AS ?where) } UNION { GRAPH ?g { ?s ?p ?o } BIND(STR(?g) AS ?where) }
} GROUP BY ?where ORDER BY ?where"""
DATASETS = {
    "union": {},
    "default-graph": {"default-graph-uri": ARTICLE},
    "two-default-graphs": {"default-graph-uri": [ARTICLE, LISTING]},
    "named-graph": {"named-graph-uri": ARTICLE},
    "both": {"default-graph-uri": LISTING, "named-graph-uri": ARTICLE},
}


@pytest.fixture(scope="module")
def verified(tmp_path_factory: pytest.TempPathFactory, seed_paths: list[Path], vocabulary
             ) -> Iterator[OxigraphServer]:
    """The server holding the seeds, ingested as `kg ingest` does, and their verifications."""
    server = OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data", free_port())
    server.start()
    try:
        with server.store() as store:
            load_sources(store, seed_paths, vocabulary)
            verify_all(store, default_registry())
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Both services' settings, less the store: writes enabled, no search index."""
    return {"write_token": TOKEN, "seeds_path": str(SEEDS),
            "index_path": str(tmp_path_factory.mktemp("no-index") / "index")}


@pytest.fixture(scope="module")
def served(verified: OxigraphServer, settings: dict[str, str]) -> Iterator[httpx.Client]:
    """`kg serve` on the server."""
    with serving({**verified.settings(), **settings}) as base, httpx.Client(base_url=base, timeout=30) as client:
        yield client


@pytest.fixture(scope="module")
def embedded(verified: OxigraphServer, settings: dict[str, str], served: httpx.Client,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """The service over an embedded store holding a copy of the server's quads, addressed as `kg serve` is (links
    in answers are absolute)."""
    path = tmp_path_factory.mktemp("embedded") / "store"
    with verified.store() as remote, OxigraphStore(path) as local:
        local.extend(parse(remote.serialize("nq"), RdfFormat.N_QUADS))
    with TestClient(create_app(Settings(store_path=path, **settings)), base_url=str(served.base_url)) as client:
        yield client


def body(response: httpx.Response) -> object:
    media_type = response.headers.get("content-type", "").split(";")[0]
    if media_type.endswith("json"):
        return response.json()
    if media_type in GRAPHS:  # a graph: its triples in no particular order
        return sorted(str(quad) for quad in parse(response.content, GRAPHS[media_type]))
    return response.text


def same(embedded: TestClient, served: httpx.Client, method: str, url: str, **options: object) -> httpx.Response:
    """The request sent to both services: the same status, media type and body; the served answer."""
    expected, answered = embedded.request(method, url, **options), served.request(method, url, **options)
    assert answered.status_code == expected.status_code, answered.text
    assert answered.headers.get("content-type") == expected.headers.get("content-type")
    assert body(answered) == body(expected), url
    return answered


@pytest.mark.parametrize("dataset", DATASETS.values(), ids=DATASETS.keys())
def test_sparql_datasets_give_the_same_answers(embedded: TestClient, served: httpx.Client, dataset: dict) -> None:
    answered = same(embedded, served, "GET", "/sparql", params={"query": WHERE_COUNTS, **dataset})
    counted = {row["where"]["value"]: int(row["n"]["value"]) for row in answered.json()["results"]["bindings"]}
    assert counted, "every dataset here holds triples"
    form = same(embedded, served, "POST", "/sparql", data={"query": WHERE_COUNTS, **dataset})
    assert form.json() == answered.json()


@pytest.mark.parametrize(("url", "params", "accept"), [
    ("/stats", {}, None),
    ("/health", {}, None),
    ("/sparql", {"query": "SELECT ?c ?v WHERE { ?c a cg:Claim ; cg:value ?v } ORDER BY ?c LIMIT 50"}, "text/csv"),
    ("/sparql", {"query": "ASK { ?p a cg:Paper }"}, "application/sparql-results+json"),
    ("/sparql", {"query": "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a cg:Paper ; dcterms:title ?t }"},
     "application/n-triples"),
    ("/papers", {"limit": 5}, None),
    ("/papers", {"q": "language"}, None),
    ("/entities", {"type": "Model", "limit": 10}, None),
    ("/claims", {"verdict": "refuted"}, None),
    ("/claims", {"kind": "size", "limit": 20, "offset": 5}, None),
    ("/reports/verification", {}, None),
    ("/reports/verification", {"format": "sarif"}, None),
], ids=lambda value: value if isinstance(value, str) else None)
def test_lookups_give_the_same_answers(embedded: TestClient, served: httpx.Client, url: str, params: dict,
                                       accept: str | None) -> None:
    same(embedded, served, "GET", url, params=params, headers={"Accept": accept} if accept else {})


def test_resources_give_the_same_answers(embedded: TestClient, served: httpx.Client) -> None:
    paper = same(embedded, served, "GET", "/papers", params={"limit": 1}).json()["items"][0]["id"]
    same(embedded, served, "GET", f"/papers/{paper}")
    same(embedded, served, "GET", f"/papers/{paper}", headers={"Accept": "text/turtle"})
    claims = same(embedded, served, "GET", "/claims", params={"verdict": "refuted", "limit": 1}).json()
    claim = claims["items"][0]["id"]
    same(embedded, served, "GET", f"/claims/{claim}")
    assert same(embedded, served, "GET", f"/claims/{claim}/verification").json()["verifications"]
    entity = same(embedded, served, "GET", "/entities", params={"limit": 1}).json()["items"][0]["id"]
    same(embedded, served, "GET", f"/entities/{entity}")


def test_malformed_query_is_a_400_problem_on_both(embedded: TestClient, served: httpx.Client) -> None:
    for client in (embedded, served):
        answered = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x"})
        assert answered.status_code == 400 and answered.json()["type"].endswith("malformed-query")


def sources(report: dict) -> set[str]:
    return {v["source"] for claim in report["claims"] for v in claim["verifications"]}


def test_views_see_what_other_clients_write(verified: OxigraphServer, settings: dict[str, str]) -> None:
    source = "000_ece389bdadead4ee.txt"
    every_time = Settings(**verified.settings(), **settings, sparql_refresh_s=0)
    with TestClient(create_app(every_time)) as client, verified.store() as other:
        before = client.get("/reports/verification").json()
        assert source in sources(before)
        graph = verification_graph_iri(source)
        kept = [Quad(q.subject, q.predicate, q.object, NamedNode(graph))
                for q in parse(other.serialize("nt", graph_iri=graph), RdfFormat.N_TRIPLES)]
        other.remove_graph(graph)
        try:
            assert source not in sources(client.get("/reports/verification").json())
        finally:
            other.replace_graph(graph, kept)


def test_generation_moves_on_with_writes_and_with_time(verified: OxigraphServer) -> None:
    with Settings(**verified.settings(), sparql_refresh_s=0.3).sparql_store() as store:
        first = store.generation
        assert store.generation == first, "no write, no time passed: the views still hold"
        store.update("INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> 1 } }")
        store.remove_graph("urn:test:g")
        assert store.generation == first + 2
        time.sleep(0.4)
        assert store.generation == first + 3, "another client may have written meanwhile"


def test_writes_with_the_token_give_the_same_answers(embedded: TestClient, served: httpx.Client,
                                                     tmp_path: Path) -> None:
    upload = write_synthetic_dump(tmp_path / "dump.txt", 3).read_bytes()
    text = {"Content-Type": "text/plain; charset=utf-8", **AUTH}
    before = same(embedded, served, "GET", "/stats").json()
    assert served.post("/documents?name=upload.txt", content=upload,
                       headers={"Content-Type": "text/plain"}).status_code == 403
    created = same(embedded, served, "POST", "/documents?name=upload.txt", content=upload, headers=text)
    assert created.status_code == 201 and created.headers["location"].startswith("/documents/")
    grown = same(embedded, served, "GET", "/stats").json()
    assert grown["triples"] > before["triples"]
    same(embedded, served, "GET", created.headers["location"])
    same(embedded, served, "POST", "/documents?name=upload.txt", content=upload, headers=text)  # 409 on both
    same(embedded, served, "DELETE", "/documents/upload.txt", headers=AUTH)
    update = {"Content-Type": "application/sparql-update", **AUTH}
    inserted = "INSERT DATA { GRAPH <urn:test:g> { <urn:test:a> <urn:test:b> 1 } }"
    assert same(embedded, served, "POST", "/sparql", content=inserted, headers=update).status_code == 204
    same(embedded, served, "GET", "/sparql", params={"query": "SELECT ?o WHERE { <urn:test:a> ?p ?o }"})
    same(embedded, served, "POST", "/sparql", content="DROP GRAPH <urn:test:g>", headers=update)
    assert same(embedded, served, "GET", "/stats").json() == before


def test_server_down_is_a_503_naming_it_and_service_resumes(verified: OxigraphServer, served: httpx.Client) -> None:
    stats = served.get("/stats").json()
    verified.stop()
    try:
        for url in ("/stats", "/sparql?query=ASK%20%7B%7D", "/papers", "/claims?verdict=refuted"):
            down = served.get(url)
            assert down.status_code == 503, (url, down.text)
            assert down.headers["content-type"] == "application/problem+json" and "retry-after" in down.headers
            problem = down.json()
            assert problem["type"].endswith("store-unavailable") and problem["server"].startswith(verified.base)
            assert verified.base in problem["detail"] and problem["instance"] == url.split("?")[0]
        page = served.get("/ui/papers")
        assert page.status_code == 503 and page.headers["content-type"].startswith("text/html")
    finally:
        verified.start()  # the same port and data
    assert served.get("/stats").json() == stats


def test_service_starts_while_the_server_is_down(settings: dict[str, str], tmp_path: Path) -> None:
    later = OxigraphServer(tmp_path / "data", free_port())
    with TestClient(create_app(Settings(**later.settings(), **settings))) as client:
        down = client.get("/health")
        assert down.status_code == 503 and down.json()["server"].startswith(later.base)
        later.start()
        try:
            assert client.get("/health").json()["quads"] == 0
        finally:
            later.stop()
