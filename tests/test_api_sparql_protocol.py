"""The /sparql endpoint, modelled on the W3C SPARQL 1.1 Protocol tests (query_get, query_post_form,
query_post_direct, dataset parameters, content types, bad_* negative cases) plus this service's limits."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from fastapi.testclient import TestClient
from pyoxigraph import RdfFormat, parse
from rdflib import Graph

from api.app import create_app
from kg.iris import graph_iri

SELECT = "SELECT ?paper ?title WHERE { ?paper a cg:Paper ; dcterms:title ?title } ORDER BY ?paper LIMIT 3"
ASK = "ASK { ?claim a cg:Claim }"
CONSTRUCT = "CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a cg:Paper ; dcterms:title ?t } LIMIT 5"
DESCRIBE = "DESCRIBE <https://claimgraph.dev/id/model/dbrx>"
FORM = "application/x-www-form-urlencoded"
RESULTS_JSON = "application/sparql-results+json"
ARTICLE = "000_ece389bdadead4ee.txt"
LISTING = "001_2517cdbbfddb583d.txt"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def bindings(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == RESULTS_JSON
    return response.json()["results"]["bindings"]


def count_of(response) -> int:
    return int(bindings(response)[0]["n"]["value"])


# ---------------------------------------------------------------- the three ways to send a query
def test_query_get(client: TestClient) -> None:
    rows = bindings(client.get("/sparql", params={"query": SELECT}))
    assert len(rows) == 3 and {"paper", "title"} <= rows[0].keys()


def test_query_post_form(client: TestClient) -> None:
    response = client.post("/sparql", content=f"query={SELECT}".encode(), headers={"Content-Type": FORM})
    assert len(bindings(response)) == 3


def test_query_post_direct(client: TestClient) -> None:
    response = client.post("/sparql", content=SELECT.encode(), headers={"Content-Type": "application/sparql-query"})
    assert len(bindings(response)) == 3


def test_query_post_direct_with_charset(client: TestClient) -> None:
    headers = {"Content-Type": "application/sparql-query; charset=UTF-8"}
    assert len(bindings(client.post("/sparql", content=SELECT.encode(), headers=headers))) == 3


def test_default_prefixes_and_non_ascii_text(client: TestClient) -> None:
    query = 'SELECT ?x WHERE { BIND("naïve — ü" AS ?x) }'
    assert bindings(client.get("/sparql", params={"query": query}))[0]["x"]["value"] == "naïve — ü"


# ---------------------------------------------------------------- dataset
def test_union_is_the_default_graph(client: TestClient) -> None:
    total = count_of(client.get("/sparql", params={"query": COUNT}))
    one = count_of(client.get("/sparql", params={"query": COUNT, "default-graph-uri": graph_iri(ARTICLE)}))
    assert 0 < one < total


def test_two_default_graphs_are_merged(client: TestClient) -> None:
    counts = [count_of(client.get("/sparql", params={"query": COUNT, "default-graph-uri": graph_iri(name)}))
              for name in (ARTICLE, LISTING)]
    both = client.get("/sparql", params=[("query", COUNT), ("default-graph-uri", graph_iri(ARTICLE)),
                                         ("default-graph-uri", graph_iri(LISTING))])
    assert count_of(both) <= sum(counts) and count_of(both) > max(counts)


def test_named_graph_uri_limits_graph_clauses(client: TestClient) -> None:
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    rows = bindings(client.get("/sparql", params={"query": query, "named-graph-uri": graph_iri(LISTING)}))
    assert [row["g"]["value"] for row in rows] == [graph_iri(LISTING)]
    # only named graphs given: the default graph is empty
    assert count_of(client.get("/sparql", params={"query": COUNT, "named-graph-uri": graph_iri(LISTING)})) == 0


def test_protocol_dataset_overrides_from(client: TestClient) -> None:
    query = f"SELECT (COUNT(*) AS ?n) FROM <{graph_iri(LISTING)}> WHERE {{ ?s ?p ?o }}"
    from_only = count_of(client.get("/sparql", params={"query": query}))
    overridden = count_of(client.get("/sparql", params={"query": query, "default-graph-uri": graph_iri(ARTICLE)}))
    article = count_of(client.get("/sparql", params={"query": COUNT, "default-graph-uri": graph_iri(ARTICLE)}))
    assert overridden == article != from_only


def test_dataset_in_a_form_body(client: TestClient) -> None:
    body = f"query={COUNT}&default-graph-uri={graph_iri(ARTICLE)}".encode()
    article = count_of(client.get("/sparql", params={"query": COUNT, "default-graph-uri": graph_iri(ARTICLE)}))
    assert count_of(client.post("/sparql", content=body, headers={"Content-Type": FORM})) == article


# ---------------------------------------------------------------- result formats
@pytest.mark.parametrize("accept", ["application/sparql-results+xml", "application/xml"])
def test_select_as_xml(client: TestClient, accept: str) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert response.headers["content-type"] == "application/sparql-results+xml"
    results = ET.fromstring(response.content).findall("{http://www.w3.org/2005/sparql-results#}results/*")
    assert len(results) == 3


def test_select_as_csv_and_tsv(client: TestClient) -> None:
    csv_response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/csv"})
    assert csv_response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.text)))
    assert rows[0] == ["paper", "title"] and len(rows) == 4
    tsv = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/tab-separated-values"})
    lines = tsv.text.splitlines()
    assert lines[0] == "?paper\t?title" and len(lines) == 4 and lines[1].startswith("<https://claimgraph.dev/")


def test_select_json_matches_native_serialisation(client: TestClient) -> None:
    rows = bindings(client.get("/sparql", params={"query": 'SELECT ?x ?y WHERE { BIND("a\\nb"@en AS ?x) }'}))
    assert rows == [{"x": {"type": "literal", "value": "a\nb", "xml:lang": "en"}}]


@pytest.mark.parametrize("accept, parse_as", [(RESULTS_JSON, "json"), ("application/sparql-results+xml", "xml")])
def test_ask(client: TestClient, accept: str, parse_as: str) -> None:
    response = client.get("/sparql", params={"query": ASK}, headers={"Accept": accept})
    assert response.status_code == 200
    if parse_as == "json":
        assert response.json()["boolean"] is True
    else:
        assert ET.fromstring(response.content).find("{http://www.w3.org/2005/sparql-results#}boolean").text == "true"


@pytest.mark.parametrize("accept, rdf_format", [
    ("text/turtle", RdfFormat.TURTLE), ("application/n-triples", RdfFormat.N_TRIPLES),
    ("application/ld+json", RdfFormat.JSON_LD), ("application/rdf+xml", RdfFormat.RDF_XML),
    ("application/trig", RdfFormat.TRIG), ("application/n-quads", RdfFormat.N_QUADS),
])
def test_construct_in_every_rdf_format(client: TestClient, accept: str, rdf_format: RdfFormat) -> None:
    response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert response.status_code == 200 and response.headers["content-type"].split(";")[0] == accept
    assert len(list(parse(response.content, rdf_format))) == 5


def test_describe_defaults_to_turtle(client: TestClient) -> None:
    response = client.post("/sparql", content=DESCRIBE.encode(), headers={"Content-Type": "application/sparql-query"})
    assert response.headers["content-type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 0


def test_accept_q_values_are_honoured(client: TestClient) -> None:
    accept = "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"
    assert client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept}).headers[
        "content-type"].startswith("text/csv")


def test_not_acceptable(client: TestClient) -> None:
    response = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert response.status_code == 406
    assert response.headers["content-type"] == "application/problem+json"
    # a graph type for a SELECT is not acceptable either
    assert client.get("/sparql", params={"query": SELECT}, headers={"Accept": "text/turtle"}).status_code == 406


def test_service_description(client: TestClient) -> None:
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert graph.query(f"ASK {{ ?s a <{sd}Service> ; <{sd}supportedLanguage> <{sd}SPARQL11Query> }}").askAnswer
    names = {str(o) for o in graph.objects(None, graph.namespace_manager.expand_curie("sd:name"))}
    assert graph_iri(ARTICLE) in names


# ---------------------------------------------------------------- negative cases (W3C bad_*)
def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status and {"type", "title", "detail", "instance"} <= body.keys()
    return body


def test_bad_query_method(client: TestClient) -> None:
    body = assert_problem(client.put("/sparql", content=SELECT), 405)
    assert body["type"] == "about:blank"


def test_bad_multiple_queries(client: TestClient) -> None:
    assert_problem(client.get("/sparql", params=[("query", ASK), ("query", SELECT)]), 400)
    form = f"query={ASK}&query={SELECT}".encode()
    assert_problem(client.post("/sparql", content=form, headers={"Content-Type": FORM}), 400)
    both = f"query={ASK}&update=CLEAR ALL".encode()
    assert_problem(client.post("/sparql", content=both, headers={"Content-Type": FORM}), 400)


def test_bad_query_wrong_media_type(client: TestClient) -> None:
    assert_problem(client.post("/sparql", content=SELECT.encode(), headers={"Content-Type": "text/plain"}), 415)


def test_bad_query_missing_form_type(client: TestClient) -> None:
    assert_problem(client.post("/sparql", content=f"query={ASK}".encode()), 415)


def test_bad_query_non_utf8(client: TestClient) -> None:
    latin1 = 'SELECT ?x WHERE { BIND("café" AS ?x) }'.encode("latin-1")
    assert_problem(client.post("/sparql", content=latin1, headers={"Content-Type": "application/sparql-query"}), 400)
    utf16 = {"Content-Type": "application/sparql-query; charset=UTF-16"}
    assert_problem(client.post("/sparql", content=ASK.encode("utf-16"), headers=utf16), 415)
    assert_problem(client.get("/sparql?query=SELECT%20%E9"), 400)


def test_bad_query_syntax_gives_the_parsers_position(client: TestClient) -> None:
    body = assert_problem(client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}), 400)
    assert body["line"] == 1 and body["column"] > 0 and "error at" in body["detail"]


def test_empty_form_and_update_by_get(client: TestClient) -> None:
    assert_problem(client.post("/sparql", content=b"", headers={"Content-Type": FORM}), 400)
    assert_problem(client.get("/sparql", params={"update": "CLEAR ALL"}), 400)


def test_update_is_refused_on_a_read_only_service(client: TestClient) -> None:
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    body = assert_problem(client.post("/sparql", content=update, headers={"Content-Type": "application/sparql-update"}), 403)
    assert body["type"].endswith("writes-forbidden")
    assert_problem(client.post("/sparql", content=f"update={update}", headers={"Content-Type": FORM}), 403)


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o . SERVICE ?remote { ?s ?p ?o } }",
])
def test_service_is_refused(client: TestClient, query: str) -> None:
    body = assert_problem(client.get("/sparql", params={"query": query}), 403)
    assert body["keyword"] == "SERVICE"


def test_the_word_service_elsewhere_is_fine(client: TestClient) -> None:
    query = ('SELECT ?service WHERE { BIND("SERVICE <x>" AS ?service) # SERVICE in a comment\n'
             'FILTER(?service != <http://example.org/SERVICE>) }')
    assert bindings(client.get("/sparql", params={"query": query}))[0]["service"]["value"] == "SERVICE <x>"


def test_query_text_over_the_size_limit(client: TestClient, api_settings) -> None:
    big = "ASK {}" + " " * api_settings.max_query_bytes
    assert_problem(client.post("/sparql", content=big, headers={"Content-Type": "application/sparql-query"}), 413)


# ---------------------------------------------------------------- limits: explicit errors, never truncated 200s
@pytest.fixture(scope="module")
def limited(api_settings):
    with TestClient(create_app(api_settings.model_copy(update={"max_result_rows": 10}))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def hurried(api_settings):
    settings = api_settings.model_copy(update={"query_timeout_s": 0.5, "max_result_rows": 10**12, "max_result_bytes": 10**12})
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def test_row_limit(limited: TestClient) -> None:
    query = "SELECT ?s WHERE { ?s a cg:Claim } LIMIT %d"
    assert len(bindings(limited.get("/sparql", params={"query": query % 10}))) == 10
    body = assert_problem(limited.get("/sparql", params={"query": query % 11}), 413)
    assert body["limit_rows"] == 10
    for accept in ("text/csv", "application/sparql-results+xml"):
        assert_problem(limited.get("/sparql", params={"query": query % 11}, headers={"Accept": accept}), 413)
    construct = "CONSTRUCT { ?s a cg:Claim } WHERE { ?s a cg:Claim } LIMIT 11"
    assert_problem(limited.get("/sparql", params={"query": construct}), 413)


def test_time_limit(hurried: TestClient) -> None:
    # the graph's cross product with itself streams rows for hours; the clock stops it at the deadline
    body = assert_problem(hurried.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o . ?a ?b ?c }"}), 503)
    assert body["limit_seconds"] == 0.5 and body["type"].endswith("query-timeout")
    assert len(bindings(hurried.get("/sparql", params={"query": "SELECT ?s WHERE { ?s a cg:Claim } LIMIT 3"}))) == 3


def test_row_limit_in_every_results_format(limited: TestClient) -> None:
    for accept in (RESULTS_JSON, "application/sparql-results+xml", "text/csv", "text/tab-separated-values"):
        at_limit = limited.get("/sparql", params={"query": "SELECT ?s ?o WHERE { ?s a ?o } LIMIT 10"},
                               headers={"Accept": accept})
        assert at_limit.status_code == 200, accept
        over = limited.get("/sparql", params={"query": "SELECT ?s ?o WHERE { ?s a ?o } LIMIT 11"},
                           headers={"Accept": accept})
        assert over.status_code == 413, accept


def test_row_marks_are_counted_across_chunks() -> None:
    import time

    from pyoxigraph import QueryResultsFormat

    from api.runner import ROW_MARKS, Limits, LimitedSink, ResultTooLarge

    limits = Limits(rows=2, bytes=10**6, deadline=time.monotonic() + 60, timeout_s=60)
    sink = LimitedSink(limits, ROW_MARKS[QueryResultsFormat.XML])
    sink.write(b"<results><res")
    sink.write(b"ult></result><result></result>")
    assert sink.marks == 2
    with pytest.raises(ResultTooLarge):
        sink.write(b"<re"), sink.write(b"sult>")
