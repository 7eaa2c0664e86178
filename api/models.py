"""Response bodies of the REST look-ups and the write path, with the examples the OpenAPI schema shows."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from ingest.models import Claim, ClaimKind, DocumentKind, EntityType, Span
from kg.load import FileLoad
from kg.network import Neighbour

T = TypeVar("T")


class ProblemDetails(BaseModel):
    """RFC 9457 problem details; some problems add members (``errors``, ``line``, ``column``, ``limit_rows``)."""

    model_config = ConfigDict(extra="allow", json_schema_extra={"examples": [{
        "type": "https://claimgraph.dev/problems/malformed-query", "title": "Malformed SPARQL", "status": 400,
        "detail": "error at 1:25: expected one of LATERAL, SERVICE, [_]", "instance": "/sparql", "line": 1,
        "column": 25}]})

    type: str
    title: str
    status: int
    detail: str
    instance: str


_PROBLEM = {"model": ProblemDetails, "content": {"application/problem+json": {}}}
PROBLEM_RESPONSES: dict[int | str, dict] = {
    status: {**_PROBLEM, "description": description} for status, description in (
        (400, "Malformed request or query"), (403, "Writes or federation refused"), (404, "No such resource"),
        (406, "No acceptable media type"), (413, "Request or result over the limit"),
        (415, "Unsupported media type"), (422, "Invalid parameters or unreadable document"),
        (503, "Query ran past the time limit, or the store's server is unreachable"),
    )
}
RDF_VIEWS = {"content": {"application/ld+json": {"schema": {"type": ["array", "object"]}},
                         "text/turtle": {"schema": {"type": "string"}}},
             "description": "The resource; as JSON-LD or Turtle when the Accept header asks for them."}


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL, or null on the last page.")


class PaperSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "arxiv-2403.08540", "iri": "https://claimgraph.dev/id/paper/arxiv-2403.08540",
        "title": "Language models scale reliably with over-training and on downstream tasks",
        "arxiv_id": "2403.08540"}]})

    id: str = Field(description="The paper's key: arxiv-<id> or title-<slug>.")
    iri: str
    title: str | None
    arxiv_id: str | None


class PaperSource(BaseModel):
    source: str = Field(description="Source file name.")
    document: str = Field(description="Document id within it.")
    role: Literal["presents", "cites"]


class EntitySummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "dbrx", "iri": "https://claimgraph.dev/id/model/dbrx", "type": "Model", "name": "DBRX"}]})

    id: str = Field(description="The entity's key (its IRI's last segment).")
    iri: str
    type: EntityType
    name: str


class ClaimSummary(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "000_ece389bdadead4ee/article/c2809-2819", "iri":
        "https://claimgraph.dev/id/claim/000_ece389bdadead4ee/article/c2809-2819", "kind": "count",
        "quantity": "experts", "text": "16 experts", "value": 16.0, "unit": "experts", "subject": "dbrx",
        "document": "000_ece389bdadead4ee/article"}]})

    id: str
    iri: str
    kind: ClaimKind
    quantity: str
    text: str = Field(description="The claim's span as written.")
    value: float | None
    unit: str | None
    subject: str | None = Field(description="Key of the entity the claim is about.")
    document: str


class PaperDetail(PaperSummary):
    abstract: str | None
    sources: list[PaperSource] = Field(description="Every source file and document it appears in.")
    entities: list[EntitySummary] = Field(description="Entities mentioned where the paper is presented.")
    claims: list[ClaimSummary] = Field(description="Claims made where the paper is presented, or about it.")


class MentionOut(BaseModel):
    entity: str = Field(description="Key of the entity mentioned.")
    document: str
    span: Span
    method: str


class EntityDetail(EntitySummary):
    aliases: list[str]
    facts: dict[str, str | float | int]
    mentions: list[MentionOut] = Field(description="The first mentions, by document and offset.")
    mentions_total: int
    claims: list[ClaimSummary] = Field(description="Claims whose subject, comparison target or benchmark it is.")
    related: list[Neighbour] = Field(description="Nearest entities and papers in the co-mention/citation graph.")


class Verdict(BaseModel):
    verifier: str | None
    verdict: str


class ClaimDetail(Claim):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "000_ece389bdadead4ee/article/c2809-2819", "document_id": "000_ece389bdadead4ee/article",
        "kind": "count", "quantity": "experts", "sentence": {"start": 2780, "end": 2840, "surface": "..."},
        "span": {"start": 2809, "end": 2819, "surface": "16 experts"}, "source": "000_ece389bdadead4ee.txt",
        "iri": "https://claimgraph.dev/id/claim/000_ece389bdadead4ee/article/c2809-2819", "verdicts": []}]})

    iri: str
    source: str = Field(description="Source file the claim was read from.")
    verdicts: list[Verdict] = Field(description="Verifications of the claim, once the verifiers have run.")


class DocumentDetail(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "id": "001_2517cdbbfddb583d/L133", "iri": "https://claimgraph.dev/id/doc/001_2517cdbbfddb583d/L133",
        "kind": "listing_entry", "source": "001_2517cdbbfddb583d.txt", "title": "...", "arxiv_id": None,
        "text": "...", "span": {"start": 5120, "end": 6004, "surface": "..."}, "sentences": [],
        "mentions": [], "claims": []}]})

    id: str
    iri: str
    kind: DocumentKind
    source: str
    title: str | None
    arxiv_id: str | None
    text: str = Field(description="The document's text; every span's offsets are into its source file.")
    span: Span = Field(description="The document's extent in its source file.")
    title_span: Span | None = None
    abstract_span: Span | None = None
    sentences: list[Span]
    mentions: list[MentionOut]
    claims: list[ClaimSummary]


class IngestOut(FileLoad):
    model_config = ConfigDict(json_schema_extra={"examples": [{
        "file": "notes.txt", "format": "newsletter", "documents": 1, "papers": 3, "entities": 12, "mentions": 40,
        "claims": 9, "triples": 2100, "document_ids": ["notes/article"]}]})

    document_ids: list[str]


class Removed(BaseModel):
    source: str
    document_ids: list[str]
