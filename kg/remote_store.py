"""SparqlHttpStore: the GraphStore interface over any SPARQL 1.1 server, through the standard protocols (Query,
Update, and the Graph Store HTTP Protocol for per-document named graphs), so the graph can outgrow one process.

A source file's graph is replaced with one Graph Store Protocol PUT of N-Triples: the server's own bulk path,
applied by the server as one request (Oxigraph runs it in one transaction). The server must answer queries over
the union of its named graphs, as ClaimGraph's embedded store does: start Oxigraph with `--union-default-graph`;
Virtuoso does so by default, its own system graphs included unless they are made private (docs/virtuoso.md).
``auth`` is a user and password for HTTP Digest, which Virtuoso's writable endpoints ask for. Results come back in
SPARQL JSON / N-Triples and are parsed by pyoxigraph, so callers get the same result types as from the embedded
store.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import BinaryIO

import httpx
from pyoxigraph import (
    Quad,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    RdfFormat,
    parse,
    parse_query_results,
    serialize,
)

from kg.sparql import PROLOGUE, QueryError, code_only
from kg.store import OxigraphStore, QueryResult, StoreError, StoreUnavailable, rows_of

# GROUP BY, not DISTINCT: Virtuoso answers that DISTINCT from its list of graphs, private ones included.
_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
_RDF_RESULT = "application/n-triples"
_SOLUTIONS = "application/sparql-results+json"
# The query form is the first form keyword once strings, IRIs and comments are blanked out (a prologue has none).
_FORM = re.compile(r"(?<![\w:?$@-])(SELECT|ASK|CONSTRUCT|DESCRIBE)(?![\w:-])", re.IGNORECASE)
_TRUE = b'{"head": {}, "boolean": true}'
_FALSE = b'{"head": {}, "boolean": false}'


def _form(sparql: str) -> str:
    match = _FORM.search(code_only(sparql))
    return match.group(1).upper() if match else "SELECT"


class SparqlHttpStore:
    """A remote SPARQL 1.1 server as a GraphStore; errors name the server and say whether it was reachable.

    ``generation`` moves on after every write through this client, and at least every ``refresh_s`` seconds since
    other clients may write to the server too. A client that is not ``writable`` refuses writes itself."""

    def __init__(self, query_url: str, update_url: str | None = None, graph_store_url: str | None = None,
                 timeout_s: float = 60.0, *, writable: bool = True, refresh_s: float = 30.0,
                 auth: tuple[str, str] | None = None) -> None:
        self.query_url = query_url
        self.update_url = update_url or query_url
        self.graph_store_url = graph_store_url
        self.writable = writable
        self.refresh_s = refresh_s
        self._generation = 0
        self._fresh_until = time.monotonic() + refresh_s
        # After the first Digest challenge httpx authenticates the next requests up front, so a bulk PUT is
        # sent once, not once refused and again.
        self._http = httpx.Client(timeout=timeout_s, auth=httpx.DigestAuth(*auth) if auth else None)

    @property
    def generation(self) -> int:
        now = time.monotonic()
        if now >= self._fresh_until:
            self._generation += 1
            self._fresh_until = now + self.refresh_s
        return self._generation

    def _write(self, method: str, url: str, **options: object) -> httpx.Response:
        if not self.writable:
            raise StoreError(f"this client of the SPARQL server at {url} was opened read-only")
        try:
            return self._request(method, url, **options)
        finally:
            self._generation += 1  # a failed write may still have reached the server

    def _request(self, method: str, url: str, sparql: str = "", **options: object) -> httpx.Response:
        try:
            response = self._http.request(method, url, **options)  # type: ignore[arg-type]
        except httpx.TransportError as error:
            raise StoreUnavailable(f"the SPARQL server at {url} is unreachable: {error}", url) from error
        if response.status_code == 400:
            raise QueryError(response.text.strip() or "the server refused the request", sparql)
        if response.status_code == 401:
            raise StoreError(f"the SPARQL server at {url} wants a user and password that it did not get or refused "
                             "(settings sparql_user, sparql_password)")
        if response.status_code >= 400:
            raise StoreError(f"the SPARQL server at {url} answered {response.status_code}: {response.text.strip()[:500]}")
        return response

    def query(self, sparql: str, use_union_default: bool = True, *, default_graph: list[str] | None = None,
              named_graphs: list[str] | None = None) -> QueryResult:
        """Run a query on the server; the dataset is the server's default graph (its union of graphs) unless
        ``default_graph`` or ``named_graphs`` name one, sent as the protocol's default-graph-uri and named-graph-uri."""
        dataset = [("default-graph-uri", iri) for iri in default_graph or ()]
        dataset += [("named-graph-uri", iri) for iri in named_graphs or ()]
        # Form-encoded rather than an application/sparql-query body, which Virtuoso 7 never answers
        # (openlink/virtuoso-opensource#842); both are SPARQL 1.1 Protocol. The form's own media type comes first
        # because Virtuoso answers in the first acceptable one whatever the form.
        form = _form(sparql)
        first, second = (_RDF_RESULT, _SOLUTIONS) if form in ("CONSTRUCT", "DESCRIBE") else (_SOLUTIONS, _RDF_RESULT)
        response = self._request("POST", self.query_url, sparql, params=dataset, data={"query": PROLOGUE + sparql},
                                 headers={"Accept": f"{first}, {second};q=0.1"})
        if cap := response.headers.get("x-sparql-maxrows"):  # Virtuoso answers 200 with the rows up to its cap
            raise StoreError(f"the SPARQL server at {self.query_url} returned at most {cap} rows, so the result may be "
                             "incomplete (Virtuoso: raise ResultSetMaxRows in the [SPARQL] section of virtuoso.ini)")
        media_type = response.headers.get("content-type", "").split(";")[0].strip()
        if media_type != _SOLUTIONS:
            return parse(response.content, format=RdfFormat.N_TRIPLES)  # type: ignore[return-value]
        result = parse_query_results(response.content, format=QueryResultsFormat.JSON)
        if form == "ASK" and isinstance(result, QuerySolutions):
            # Virtuoso 7 answers ASK with solutions of one variable (__ASK_RETVAL): a row for true, none for false.
            return parse_query_results(_TRUE if any(True for _ in result) else _FALSE, format=QueryResultsFormat.JSON)
        return result

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
        self._write("POST", self.update_url, sparql=sparql, content=(PROLOGUE + sparql).encode(),
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
        self._write("PUT", self.graph_store_url, params={"graph": graph_iri}, content=body,
                    headers={"Content-Type": "application/n-triples"})

    def remove_graph(self, graph_iri: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph_iri}>")

    def graphs(self) -> list[str]:
        return sorted(row["g"] for row in self.select(_GRAPHS))

    def serialize(self, format: str, out: BinaryIO | None = None, graph_iri: str | None = None) -> bytes | None:
        """Fetch the quads (of one graph, or all) and write them with the embedded store's serialisers."""
        # One SELECT, not a CONSTRUCT per graph, though Virtuoso writes the JSON ~6x slower: it cuts CONSTRUCT
        # results at ResultSetMaxRows without a mark, SELECT results with one.
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
