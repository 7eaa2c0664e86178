"""What the REST look-ups share: paging, safe splicing of user input into SPARQL, claim summaries, and answering
with the JSON body or, when the Accept header asks, the same resources as RDF (JSON-LD, Turtle, ...)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, Query, Request, Response
from pydantic import BaseModel
from pyoxigraph import Literal, NamedNode

from api.formats import API_JSON, RESOURCE_FORMATS, Format, negotiate
from api.models import ClaimSummary, Page
from api.problems import BadRequest
from api.resources import Resources
from api.runner import Limits, write_triples
from kg.iris import key_from_iri
from kg.sparql import PROLOGUE
from kg.store import GraphStore

T = TypeVar("T")
MAX_PAGE = 500
# A resource as RDF: its own triples and those of its spans and their selectors.
_DESCRIBE = PROLOGUE + """CONSTRUCT { ?s ?p ?o } WHERE {
  VALUES ?r { %s }
  ?r (cg:hasSpan|cg:quantitySpan|cg:titleSpan|cg:abstractSpan|oa:hasSelector)* ?s . ?s ?p ?o
}"""
CLAIM_SUMMARIES = PROLOGUE + """
SELECT ?claim ?id ?kind ?quantity ?text ?value ?unit ?subject ?doc WHERE {
  %s
  ?claim a cg:Claim ; dcterms:identifier ?id ; cg:claimKind ?kind ; cg:quantityKind ?quantity ;
         prov:wasDerivedFrom ?doc ; cg:hasSpan/oa:hasSelector/oa:exact ?text .
  OPTIONAL { ?claim cg:value ?value }
  OPTIONAL { ?claim cg:unit ?unit }
  OPTIONAL { ?claim cg:subject/dcterms:identifier ?subject }
} ORDER BY ?id
"""


class Paging(BaseModel):
    limit: int
    offset: int


async def paging(
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Items per page.")] = 50,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Items to skip.")] = 0,
) -> Paging:
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(paging)]


def literal(text: str) -> str:
    """A string as a SPARQL literal, escaped."""
    return str(Literal(text))


def iri(value: str) -> str:
    try:
        return str(NamedNode(value))
    except ValueError as error:
        raise BadRequest(f"not an IRI: {value!r}") from error


def values(var: str, iris: list[str]) -> str:
    return f"VALUES ?{var} {{ {' '.join(iri(i) for i in iris)} }}"


def count(store: GraphStore, var: str, where: str) -> int:
    rows = store.select(PROLOGUE + f"SELECT (COUNT(DISTINCT ?{var}) AS ?n) WHERE {{ {where} }}")
    return int(rows[0]["n"])


def make_page(request: Request, items: list[T], total: int, page: Paging) -> Page[T]:
    following = page.offset + page.limit
    next_url = str(request.url.include_query_params(offset=following)) if following < total else None
    return Page[T](items=items, total=total, limit=page.limit, offset=page.offset, next=next_url)


def claim_summaries(store: GraphStore, where: str) -> list[ClaimSummary]:
    seen: dict[str, ClaimSummary] = {}
    for row in store.select(CLAIM_SUMMARIES % where):
        seen.setdefault(row["claim"], ClaimSummary(
            id=row["id"], iri=row["claim"], kind=row["kind"], quantity=row["quantity"], text=row["text"],
            value=float(row["value"]) if "value" in row else None, unit=row.get("unit"),
            subject=row.get("subject"), document=key_from_iri(row["doc"], "doc"),
        ))
    return list(seen.values())


async def resource_format(request: Request) -> Format:
    return negotiate(request.headers.get("accept"), RESOURCE_FORMATS)


FormatDep = Annotated[Format, Depends(resource_format)]


async def respond(
    resources: Resources, format: Format, build: Callable[[GraphStore], T], iris: Callable[[T], list[str]]
) -> T | Response:
    """Build the body on a worker thread; as JSON return it, as RDF describe the resources it names."""
    store = resources.store
    body = await resources.runner.run(lambda limits: build(store))
    if format is API_JSON:
        return body
    named = iris(body)

    def describe(limits: Limits) -> bytes:
        return write_triples(store.query(_DESCRIBE % " ".join(iri(i) for i in named)), format.engine, limits)

    data = await resources.runner.run(describe) if named else b""
    return Response(data, media_type=format.content_type, headers={"Vary": "Accept"})
