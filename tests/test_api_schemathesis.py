"""Property-based requests generated from the app's own OpenAPI schema (schemathesis): no operation answers
with a 5xx, and every answer has the status, content type and body the schema documents. Bounded to a few
examples per operation so the file runs in well under a minute.

schemathesis's pytest plugin does not load under this pytest, so each operation's strategy is driven by
hypothesis directly."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = sorted((path, method) for path, methods in create_app().openapi()["paths"].items() for method in methods)


@pytest.fixture(scope="module")
def api_schema(api_settings):
    return schemathesis.openapi.from_asgi("/openapi.json", create_app(api_settings))


@pytest.mark.parametrize("path, method", OPERATIONS, ids=[f"{m.upper()} {p}" for p, m in OPERATIONS])
def test_operation_never_fails_its_schema(api_schema, path: str, method: str) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy())
    @settings(max_examples=8, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        case.call_and_validate(checks=CHECKS)

    check()


def test_schema_documents_every_operation_with_examples(api_schema) -> None:
    paths = api_schema.raw_schema["paths"]
    assert {"/sparql", "/papers", "/papers/{id}", "/entities", "/entities/{id}", "/claims", "/claims/{id}",
            "/documents", "/documents/{id}", "/stats"} <= paths.keys()
    components = api_schema.raw_schema["components"]["schemas"]
    for name in ("PaperSummary", "EntitySummary", "ClaimSummary", "ClaimDetail", "DocumentDetail", "ProblemDetails"):
        assert components[name].get("examples"), name
