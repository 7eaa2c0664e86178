"""GET /claims (paged; by subject, kind, unit, verdict) and /claims/{id}: the claim with its sentence and span,
its source file and its verdicts. Claim ids contain slashes ("000_ece389bdadead4ee/article/c2809-2819"): the
route takes the rest of the path as the id, so they are written as they are, unescaped."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.deps import ResourcesDep
from api.lookup import FormatDep, PagingDep, claim_summaries, count, iri, literal, make_page, respond, values
from api.models import PROBLEM_RESPONSES, RDF_VIEWS, ClaimDetail, ClaimSummary, Page, Verdict
from api.problems import NotFound
from ingest.models import ClaimKind
from kg.iris import claim_iri, document_iri
from kg.mapping import claims_from_store
from kg.sparql import PROLOGUE
from kg.store import GraphStore

router = APIRouter(tags=["claims"])
_SOURCE = PROLOGUE + "SELECT ?name WHERE { %s prov:wasDerivedFrom/dcterms:identifier ?name } LIMIT 1"
_VERDICTS = PROLOGUE + """
SELECT DISTINCT ?verdict ?verifier WHERE {
  ?v cg:verifies %s ; cg:verdict ?verdict . OPTIONAL { ?v prov:wasAssociatedWith ?verifier }
} ORDER BY ?verifier
"""


def _where(subject: str | None, kind: ClaimKind | None, unit: str | None, verdict: str | None) -> str:
    where = "?claim a cg:Claim ."
    if subject:
        where += f" ?claim cg:subject/dcterms:identifier {literal(subject)} ."
    if kind:
        where += f" ?claim cg:claimKind {literal(kind.value)} ."
    if unit:
        where += f" ?claim cg:unit {literal(unit)} ."
    if verdict:  # verifications are written by the compute layer; before it runs, no claim has a verdict
        where += f" OPTIONAL {{ ?v cg:verifies ?claim ; cg:verdict ?verdict }} FILTER(?verdict = {literal(verdict)})"
    return where


def claims_page(store: GraphStore, where: str, limit: int, offset: int) -> tuple[list[ClaimSummary], int]:
    query = PROLOGUE + (f"SELECT DISTINCT ?claim ?id WHERE {{ {where} ?claim dcterms:identifier ?id }} "
                        f"ORDER BY ?id LIMIT {limit} OFFSET {offset}")
    page = [row["claim"] for row in store.select(query)]
    return (claim_summaries(store, values("claim", page)) if page else []), count(store, "claim", where)


def claim_detail(store: GraphStore, claim_id: str) -> ClaimDetail:
    found = claims_from_store(store, claim_ids=[claim_id])
    if not found:
        raise NotFound(f"no claim {claim_id!r}")
    claim = found[0]
    node = claim_iri(claim.id)
    source = store.select(_SOURCE % iri(document_iri(claim.document_id)))
    verdicts = [Verdict(verdict=r["verdict"], verifier=r.get("verifier")) for r in store.select(_VERDICTS % iri(node))]
    return ClaimDetail(**claim.model_dump(), iri=node, source=source[0]["name"] if source else "", verdicts=verdicts)


@router.get("/claims", response_model=Page[ClaimSummary], responses={200: RDF_VIEWS, **PROBLEM_RESPONSES},
            summary="Claims, paged; filter by subject, kind, unit and verdict")
async def list_claims(
    request: Request, resources: ResourcesDep, format: FormatDep, page: PagingDep,
    subject: Annotated[str | None, Query(max_length=200, description="Key of the entity the claim is about.",
                                         examples=["dbrx"])] = None,
    kind: Annotated[ClaimKind | None, Query(description="Claim kind.")] = None,
    unit: Annotated[str | None, Query(max_length=100, description="Unit, e.g. percent, x, parameters.")] = None,
    verdict: Annotated[str | None, Query(max_length=100, description="A verifier's verdict, e.g. consistent.")] = None,
):
    def build(store: GraphStore) -> Page[ClaimSummary]:
        items, total = claims_page(store, _where(subject, kind, unit, verdict), page.limit, page.offset)
        return make_page(request, items, total, page)

    return await respond(resources, format, build, lambda body: [item.iri for item in body.items])


@router.get("/claims/{id:path}", response_model=ClaimDetail, responses={200: RDF_VIEWS, **PROBLEM_RESPONSES},
            summary="One claim by id (slashes kept)")
async def get_claim(
    resources: ResourcesDep, format: FormatDep,
    id: Annotated[str, Path(description="Claim id", examples=["000_ece389bdadead4ee/article/c2809-2819"])],
):
    return await respond(resources, format, lambda store: claim_detail(store, id), lambda body: [body.iri])
