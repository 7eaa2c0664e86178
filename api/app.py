"""The ClaimGraph service: a SPARQL 1.1 Protocol endpoint (/sparql) and REST look-ups (/papers, /entities,
/claims, /documents, /stats) over the graph, built by ``create_app(settings)``.

How the graph is held: in memory. At start-up the lifespan opens the on-disk store (RocksDB, locked by one
process) and copies its quads into an in-memory pyoxigraph store (~0.7 s for the seeds' ~100k quads), which
answers every query: a 3-pattern join runs ~3x faster in memory than on disk (see `make bench`). With writes
disabled (no CLAIMGRAPH_WRITE_TOKEN) the disk's lock is released straight after the copy, so `kg ingest` can
run beside the service, which keeps serving the snapshot it took until restarted. With writes enabled the
service holds the lock while it runs, so nothing else changes the disk under its copy; each write
(POST/DELETE /documents, SPARQL Update) is one transaction on disk first, then applied to memory (kg/mirror.py).

Or on a SPARQL 1.1 server (CLAIMGRAPH_STORE_BACKEND=sparql): every query and write goes to it (kg/remote_store.py),
SPARQL Protocol datasets (default-graph-uri, named-graph-uri) included; other clients may write to it too, so
the views built from the graph (the verification report, the projection) are also rebuilt every
CLAIMGRAPH_SPARQL_REFRESH_S seconds. The service starts even when the server is down; while it is unreachable,
whatever needs the graph is answered 503 (a problem naming the server), and served again as soon as it is back.

Queries run on a fixed pool of worker threads with a deadline (503 past it) and row and byte limits (413 past
them), checked while the result is written, before anything is sent (api/runner.py). Every error is an
RFC 9457 problem (api/problems.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api import (
    documents, lookup_claims, lookup_documents, lookup_entities, lookup_papers, qa_routes, sparql, verification_routes,
)
from api.problems import install_problem_handlers
from api.resources import open_resources
from api.settings import Settings
from api.web import install_web

DESCRIPTION = """Numeric claims in ML research text, as an RDF graph.

* **SPARQL** at `/sparql` (SPARQL 1.1 Protocol: GET `?query=`, POST form or `application/sparql-query`;
  results as SPARQL JSON/XML/CSV/TSV or RDF by content negotiation; GET without a query describes the service).
* **REST** look-ups, paged JSON, or JSON-LD/Turtle with `Accept`.
* **Verification** reports (`/reports/verification`, `/claims/{id}/verification`) as JSON, Markdown, HTML or SARIF.
* **Questions** at `/ask` (RAFT-style answers whose quotes are checked against the sources) and RAFT training
  sets at `/raft/dataset`.
* Errors are `application/problem+json` (RFC 9457).
* **Web pages** for people at `/` (dashboard), `/ui/claims`, `/ui/sparql`, `/ui/ask` and more (api/web).
"""


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    with open_resources(app.state.settings) as resources:
        app.state.resources = resources
        yield


def create_app(settings: Settings | None = None) -> FastAPI:
    app = FastAPI(title="ClaimGraph", version="0.1.0", description=DESCRIPTION, lifespan=lifespan)
    app.state.settings = settings or Settings()
    install_problem_handlers(app)
    # verification_routes before lookup_claims: "/claims/{id:path}" would otherwise swallow ".../verification"
    for module in (sparql, lookup_papers, lookup_entities, verification_routes, lookup_claims, lookup_documents,
                   documents, qa_routes):
        app.include_router(module.router)
    install_web(app)  # the HTML pages at / and /ui/..., and /static
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST", "DELETE"],
                       allow_headers=["Authorization", "Content-Type", "Accept"])
    return app
