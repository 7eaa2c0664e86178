"""The SPARQL editor (/ui/sparql): a query box with the project's named queries as examples, the result as a
table rendered on the server (a plain GET form, so it works without JavaScript), errors with the parser's line
and column, and downloads in every format the endpoint writes (/ui/sparql/download sets the Accept header that
a link cannot)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse
from pyoxigraph import RdfFormat, parse

from api.deps import ResourcesDep
from api.formats import GRAPH_FORMATS, RESULT_FORMATS, Format
from api.problems import BadRequest, Problem, malformed
from api.resources import Resources
from api.runner import Limits
from api.sparql import answer
from api.sparql_request import Operation, refuse_remote
from api.web.errors import PageRoute
from api.web.templating import compact, node_url, render
from kg.sparql import NAMED_QUERIES, PROLOGUE, QueryError

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SHOWN_ROWS = 1000
# the short name of every format, for download links and file names
FORMAT_KEYS: dict[str, tuple[Format, str]] = {
    key: (format, suffix) for key, format, suffix in zip(
        ("json", "xml", "csv", "tsv", "ttl", "nt", "jsonld", "rdfxml", "trig", "nq"),
        (*RESULT_FORMATS, *GRAPH_FORMATS),
        ("srj", "srx", "csv", "tsv", "ttl", "nt", "jsonld", "rdf", "trig", "nq"))
}
_TABLE_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
EXAMPLE = "SELECT ?paper ?title WHERE {\n  ?paper a cg:Paper ; dcterms:title ?title\n} ORDER BY ?title LIMIT 20"
QueryText = Annotated[str, Query(max_length=256 * 1024)]


def examples() -> dict[str, str]:
    """The named queries as a reader would type them: the predeclared PREFIX lines left out."""
    return {name: text.removeprefix(PROLOGUE).strip() for name, text in NAMED_QUERIES.items()}


@dataclass(frozen=True)
class Cell:
    text: str
    kind: str  # "uri", "literal", "bnode", "triple" or "" (unbound)
    url: str | None = None
    datatype: str | None = None


@dataclass
class Outcome:
    kind: str = ""  # "results", "boolean", "graph", or "" before a query ran
    variables: list[str] = field(default_factory=list)
    rows: list[list[Cell]] = field(default_factory=list)
    total: int = 0
    boolean: bool | None = None
    error: Problem | None = None
    line: int | None = None
    column: int | None = None


def _cell(term: dict | None) -> Cell:
    if term is None:
        return Cell("", "")
    kind, value = term["type"], term["value"]
    if kind == "uri":
        return Cell(compact(value), kind, node_url(value) or value)
    datatype = term.get("datatype")
    return Cell(value, kind, None, compact(datatype) if datatype else term.get("xml:lang"))


def _node(term) -> Cell:
    name = type(term).__name__
    if name == "NamedNode":
        return _cell({"type": "uri", "value": term.value})
    if name == "Literal":
        return _cell({"type": "literal", "value": term.value, "datatype": term.datatype.value})
    return Cell(str(term), name.lower())


def _table(data: bytes, format: Format) -> Outcome:
    if format.kind == "graph":
        triples = list(parse(data, format=RdfFormat.N_TRIPLES))
        rows = [[_node(t.subject), _node(t.predicate), _node(t.object)] for t in triples[:SHOWN_ROWS]]
        return Outcome("graph", ["subject", "predicate", "object"], rows, len(triples))
    body = json.loads(data)
    if "boolean" in body:
        return Outcome("boolean", boolean=body["boolean"])
    variables = body["head"]["vars"]
    bindings = body["results"]["bindings"]
    rows = [[_cell(b.get(v)) for v in variables] for b in bindings[:SHOWN_ROWS]]
    return Outcome("results", variables, rows, len(bindings))


def _operation(text: str) -> Operation:
    operation = Operation("query", text, None, None)
    refuse_remote(operation)
    return operation


async def run_for_table(resources: Resources, text: str) -> Outcome:
    try:
        operation = _operation(text)

        def work(limits: Limits) -> tuple[bytes, Format]:
            return answer(resources.store, operation, _TABLE_ACCEPT, limits)

        data, format = await resources.runner.run(work)
    except QueryError as error:
        problem = malformed(error)
        return Outcome(error=problem, line=problem.extensions.get("line"), column=problem.extensions.get("column"))
    except Problem as error:
        return Outcome(error=error)
    return _table(data, format)


@router.get("/ui/sparql", response_class=HTMLResponse, name="ui_sparql")
async def editor(request: Request, resources: ResourcesDep, query: QueryText = "",
                 example: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    named = examples()
    if example and example not in named:
        raise BadRequest(f"no example {example!r}; known: {', '.join(named)}")
    text = query or named.get(example, "")
    outcome = await run_for_table(resources, text) if text.strip() else Outcome()
    status = int(outcome.error.status) if outcome.error else 200
    downloads = [(key, f.media_type) for key, (f, _) in FORMAT_KEYS.items()
                 if f.kind == ("graph" if outcome.kind == "graph" else "results")]
    return render(request, "sparql.html", status, query=text or EXAMPLE, ran=bool(text.strip()), example=example,
                  examples=named, outcome=outcome, downloads=downloads, shown=SHOWN_ROWS)


@router.get("/ui/sparql/download", name="ui_sparql_download")
async def download(resources: ResourcesDep, query: QueryText,
                   format: Annotated[str, Query(pattern="^(" + "|".join(FORMAT_KEYS) + ")$")] = "json") -> Response:
    wanted, suffix = FORMAT_KEYS[format]
    operation = _operation(query)
    data, written = await resources.runner.run(lambda limits: answer(resources.store, operation, wanted.media_type,
                                                                     limits))
    if written.media_type != wanted.media_type:
        raise BadRequest(f"this query's result cannot be written as {wanted.media_type}; "
                         f"it is {'a graph' if written.kind == 'graph' else 'a table'}: try {written.media_type}")
    return Response(data, media_type=written.content_type,
                    headers={"Content-Disposition": f'attachment; filename="query-results.{suffix}"'})
