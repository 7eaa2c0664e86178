"""SparqlHttpStore: the GraphStore interface over any SPARQL 1.1 server, through the standard protocols (Query,
Update, and the Graph Store HTTP Protocol for per-document named graphs), so the graph can outgrow one process.

A source file's graph is replaced with one Graph Store Protocol PUT of N-Triples: the server's own bulk path,
applied by the server as one request (Oxigraph runs it in one transaction). The server must answer queries over
the union of its named graphs, as ClaimGraph's embedded store does: start Oxigraph with `--union-default-graph`;
Virtuoso does so by default. Results come back in SPARQL JSON / N-Triples and are parsed by pyoxigraph, so
callers get the same result types as from the embedded store.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

import httpx
from pyoxigraph import (
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    Quad,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from kg.ontology import PREFIXES
from kg.sparql import QueryError
from kg.store import OxigraphStore, QueryResult, StoreError, rows_of

_PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIXES.items())
_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_RDF_RESULT = "application/n-triples"
_SOLUTIONS = "application/sparql-results+json"


class SparqlHttpStore:
    """A remote SPARQL 1.1 server as a GraphStore; errors name the server and say whether it was reachable."""

    def __init__(self, query_url: str, update_url: str | None = None, graph_store_url: str | None = None,
                 timeout_s: float = 60.0) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self._http = httpx.Client(timeout=timeout_s)

    def _request(self, method: str, url: str, **options: object) -> httpx.Response:
        try:
            response = self._http.request(method, url, **options)  # type: ignore[arg-type]
        except httpx.TransportError as error:
            raise StoreError(f"the SPARQL server at {url} is unreachable: {error}") from error
        if response.status_code == 400:
            raise QueryError(response.text.strip() or "the server refused the request", str(options.get("content", "")))
        if response.status_code >= 400:
            raise StoreError(f"the SPARQL server at {url} answered {response.status_code}: {response.text.strip()[:500]}")
        return response

    def query(self, sparql: str, use_union_default: bool = True) -> QueryResult:
        """Run a query on the server; the dataset is the server's default graph (its union of graphs)."""
        response = self._request("POST", self.query_url, content=(_PROLOGUE + sparql).encode(),
                                 headers={"Content-Type": "application/sparql-query",
                                          "Accept": f"{_SOLUTIONS}, {_RDF_RESULT};q=0.9"})
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type == _SOLUTIONS:
            return parse_query_results(response.content, format=QueryResultsFormat.JSON)
        return parse(response.content, format=RdfFormat.N_TRIPLES)  # type: ignore[return-value]

    def select(self, sparql: str) -> list[dict[str, str]]:
        result = self.query(sparql)
        if not isinstance(result, QuerySolutions):
            raise QueryError("not a SELECT query", sparql)
        return rows_of(result)

    def ask(self, sparql: str) -> bool:
        result = self.query(sparql)
        if not isinstance(result, QueryBoolean):
            raise QueryError("not an ASK query", sparql)
        return bool(result)

    def update(self, sparql: str) -> None:
        self._request("POST", self.update_url, content=(_PROLOGUE + sparql).encode(),
                      headers={"Content-Type": "application/sparql-update"})

    def replace_graph(self, graph_iri: str, quads: Iterable[Quad]) -> None:
        # Checked and serialised before the server is contacted, so bad input never reaches it half-sent.
        triples = []
        for quad in quads:
            if quad.graph_name.value != graph_iri:
                raise StoreError(f"quad {quad} is not in graph <{graph_iri}>")
            triples.append(quad.triple)
        body = serialize(triples, format=RdfFormat.N_TRIPLES) or b""
        if self.graph_store_url is None:
            self.update(f"DROP SILENT GRAPH <{graph_iri}> ;\nINSERT DATA {{ GRAPH <{graph_iri}> {{\n{body.decode()}}} }}")
            return
        self._request("PUT", self.graph_store_url, params={"graph": graph_iri}, content=body,
                      headers={"Content-Type": "application/n-triples"})

    def remove_graph(self, graph_iri: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph_iri}>")

    def graphs(self) -> list[str]:
        return sorted(row["g"] for row in self.select(_GRAPHS))

    def serialize(self, format: str, out: BinaryIO | None = None, graph_iri: str | None = None) -> bytes | None:
        """Fetch the quads (of one graph, or all) and write them with the embedded store's serialisers."""
        where = f"GRAPH <{graph_iri}> {{ ?s ?p ?o }} BIND(<{graph_iri}> AS ?g)" if graph_iri else "GRAPH ?g { ?s ?p ?o }"
        local = OxigraphStore()
        local.extend(Quad(row[0], row[1], row[2], row[3])
                           for row in self._solutions(f"SELECT ?s ?p ?o ?g WHERE {{ {where} }}"))
        return local.serialize(format, out, graph_iri)

    def _solutions(self, sparql: str) -> Iterable[tuple]:
        result = self.query(sparql)
        assert isinstance(result, QuerySolutions)
        return ((row["s"], row["p"], row["o"], row["g"]) for row in result)

    def count_triples(self) -> int:
        return int(self.select(_COUNT)[0]["n"])

    def __len__(self) -> int:
        return self.count_triples()

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SparqlHttpStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
