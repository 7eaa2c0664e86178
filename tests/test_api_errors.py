"""The error contract: every route answers a bad request with one RFC 9457 problem shape. A new route fails
test_every_route_has_a_bad_request until a bad request for it is added to BAD_REQUESTS."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# (method, route path) -> (url, request options, expected status)
BAD_REQUESTS: dict[tuple[str, str], tuple[str, dict, int]] = {
    ("GET", "/sparql"): ("/sparql?query=SELECT%20*%20WHERE%20%7B", {}, 400),
    ("POST", "/sparql"): ("/sparql", {"content": b"query=ASK%7B%7D", "headers": {"Content-Type": "text/plain"}}, 415),
    ("GET", "/papers"): ("/papers?limit=0", {}, 422),
    ("GET", "/papers/{id}"): ("/papers/0000.00000", {}, 404),
    ("GET", "/entities"): ("/entities?type=Planet", {}, 422),
    ("GET", "/entities/{id}"): ("/entities/no-such-entity", {}, 404),
    ("GET", "/claims"): ("/claims?kind=colour", {}, 422),
    ("GET", "/claims/{id}"): ("/claims/000_x/article/c1-2", {}, 404),
    ("GET", "/documents/{id}"): ("/documents/000_x/article", {"headers": {"Accept": "image/png"}}, 406),
    ("GET", "/stats"): ("/stats", {"headers": {"Accept": "image/png"}}, None),  # one view only: not negotiated
    ("POST", "/documents"): ("/documents?name=a.txt", {"content": b"text"}, 403),
    ("DELETE", "/documents/{id}"): ("/documents/000_ece389bdadead4ee.txt", {}, 403),
    ("GET", "/health"): ("/health", {}, None),  # no input: an unknown method stands in
    ("POST", "/ask"): ("/ask", {"json": {"question": "", "k": 0}}, 422),
    ("GET", "/raft/dataset"): ("/raft/dataset?p=1.5", {}, 422),
    ("GET", "/reports/verification"): ("/reports/verification?format=pdf", {}, 406),
    ("GET", "/claims/{id}/verification"): ("/claims/000_x/article/c1-2/verification", {}, 404),
}


def api_routes(client: TestClient) -> set[tuple[str, str]]:
    """Every operation the OpenAPI schema lists (the framework's own /docs and /openapi.json are not in it)."""
    paths = client.app.openapi()["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def assert_problem(response, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert {"type", "title", "status", "detail", "instance"} <= body.keys()
    assert body["status"] == status and isinstance(body["detail"], str) and body["detail"]
    assert body["instance"] == response.request.url.path
    assert body["type"] == "about:blank" or body["type"].startswith("https://claimgraph.dev/problems/")


def test_every_route_has_a_bad_request(client: TestClient) -> None:
    assert api_routes(client) == set(BAD_REQUESTS)


@pytest.mark.parametrize("route", sorted(BAD_REQUESTS), ids=" ".join)
def test_bad_request_gives_a_problem(client: TestClient, route: tuple[str, str]) -> None:
    url, options, status = BAD_REQUESTS[route]
    response = client.request(route[0], url, **options)
    if status is None:  # /stats and /health have no bad input; an unknown method on them stands in
        response, status = client.request("PATCH", url), 405
    assert_problem(response, status)


def test_unknown_path_and_method(client: TestClient) -> None:
    assert_problem(client.get("/nowhere"), 404)
    response = client.delete("/papers")
    assert_problem(response, 405)
    assert "GET" in response.headers["allow"]


def test_validation_problem_lists_the_errors(client: TestClient) -> None:
    body = client.get("/papers", params={"limit": 0, "offset": -1}).json()
    assert {tuple(e["loc"]) for e in body["errors"]} == {("query", "limit"), ("query", "offset")}


def test_an_unexpected_error_is_a_500_problem_without_internals(api_settings, monkeypatch) -> None:
    import api.lookup_documents

    def broken(store):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(api.lookup_documents, "graph_stats", broken)
    with TestClient(create_app(api_settings), raise_server_exceptions=False) as test_client:
        response = test_client.get("/stats")
    assert_problem(response, 500)
    assert "secret" not in response.text
