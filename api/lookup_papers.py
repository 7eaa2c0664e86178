"""GET /papers (paged, filterable) and /papers/{id}: title, abstract, sources, entities and claims."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request

from api.deps import ResourcesDep
from api.lookup import FormatDep, PagingDep, claim_summaries, count, iri, literal, make_page, respond, values
from api.models import PROBLEM_RESPONSES, RDF_VIEWS, EntitySummary, Page, PaperDetail, PaperSource, PaperSummary
from api.problems import NotFound
from ingest.models import EntityType
from kg.iris import key_from_iri, paper_iri
from kg.ontology import CG
from kg.sparql import ENTITY_TYPES, PROLOGUE
from kg.store import GraphStore

router = APIRouter(tags=["papers"])
_ARXIV = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?")
_SUMMARIES = PROLOGUE + """
SELECT ?paper (SAMPLE(?t) AS ?title) (SAMPLE(?a) AS ?arxiv) WHERE {
  %s ?paper a cg:Paper . OPTIONAL { ?paper dcterms:title ?t } OPTIONAL { ?paper cg:arxivId ?a }
} GROUP BY ?paper ORDER BY ?paper
"""
_ABSTRACT = PROLOGUE + "SELECT ?x WHERE { ?doc schema:about %s ; cg:abstractSpan/oa:hasSelector/oa:exact ?x } LIMIT 1"
_SOURCES = PROLOGUE + """
SELECT DISTINCT ?doc ?name ?presents WHERE {
  %(p)s cg:appearsIn ?doc . ?doc prov:wasDerivedFrom/dcterms:identifier ?name .
  BIND(EXISTS { ?doc schema:about %(p)s } AS ?presents)
} ORDER BY ?name ?doc
"""
_ENTITIES = PROLOGUE + f"""
SELECT DISTINCT ?entity ?type ?key ?name WHERE {{
  ?doc schema:about %(p)s ; cg:mentions ?entity . FILTER(?entity != %(p)s)
  {ENTITY_TYPES} ?entity a ?type ; dcterms:identifier ?key ; rdfs:label ?name
}} ORDER BY ?type ?key
"""


def paper_key(paper_id: str) -> str:
    """An arXiv id (with or without its version) as the paper key it resolves to; other ids are keys."""
    found = _ARXIV.fullmatch(paper_id)
    return f"arxiv-{found[1]}" if found else paper_id


def summaries(store: GraphStore, papers: list[str]) -> list[PaperSummary]:
    rows = store.select(_SUMMARIES % values("paper", papers)) if papers else []
    return [PaperSummary(id=key_from_iri(r["paper"], "paper"), iri=r["paper"], title=r.get("title"),
                         arxiv_id=r.get("arxiv")) for r in rows]


def entity_summary(row: dict[str, str]) -> EntitySummary:
    return EntitySummary(id=row["key"], iri=row["entity"], type=EntityType(row["type"].removeprefix(str(CG))),
                         name=row["name"])


def _where(q: str | None, source: str | None) -> str:
    where = "?paper a cg:Paper ."
    if q:
        where += f" ?paper dcterms:title ?qt . FILTER(CONTAINS(LCASE(?qt), LCASE({literal(q)})))"
    if source:
        where += f" ?paper cg:appearsIn/prov:wasDerivedFrom/dcterms:identifier {literal(source)} ."
    return where


def papers_page(store: GraphStore, where: str, limit: int, offset: int) -> tuple[list[PaperSummary], int]:
    query = PROLOGUE + f"SELECT DISTINCT ?paper WHERE {{ {where} }} ORDER BY ?paper LIMIT {limit} OFFSET {offset}"
    return summaries(store, [row["paper"] for row in store.select(query)]), count(store, "paper", where)


def paper_detail(store: GraphStore, paper_id: str) -> PaperDetail:
    node = paper_iri(paper_key(paper_id))
    found = summaries(store, [node])
    if not found:
        raise NotFound(f"no paper {paper_id!r}: give an arXiv id (2403.08540) or a paper key (arxiv-..., title-...)")
    p = iri(node)
    abstract = store.select(_ABSTRACT % p)
    sources = [PaperSource(source=r["name"], document=key_from_iri(r["doc"], "doc"),
                           role="presents" if r["presents"] == "true" else "cites")
               for r in store.select(_SOURCES % {"p": p})]
    return PaperDetail(
        **found[0].model_dump(), abstract=abstract[0]["x"] if abstract else None, sources=sources,
        entities=[entity_summary(r) for r in store.select(_ENTITIES % {"p": p})],
        claims=claim_summaries(store, f"{{ ?d schema:about {p} . ?claim prov:wasDerivedFrom ?d }} "
                                      f"UNION {{ ?claim cg:subject {p} }}"),
    )


@router.get("/papers", response_model=Page[PaperSummary], responses={200: RDF_VIEWS, **PROBLEM_RESPONSES},
            summary="Papers, paged; filter by title words or source file")
async def list_papers(
    request: Request, resources: ResourcesDep, format: FormatDep, page: PagingDep,
    q: Annotated[str | None, Query(max_length=200, description="Words the title contains (any case).")] = None,
    source: Annotated[str | None, Query(max_length=200, description="A source file name it appears in.",
                                        examples=["001_2517cdbbfddb583d.txt"])] = None,
):
    def build(store: GraphStore) -> Page[PaperSummary]:
        items, total = papers_page(store, _where(q, source), page.limit, page.offset)
        return make_page(request, items, total, page)

    return await respond(resources, format, build, lambda body: [item.iri for item in body.items])


@router.get("/papers/{id:path}", response_model=PaperDetail, responses={200: RDF_VIEWS, **PROBLEM_RESPONSES},
            summary="One paper by arXiv id (with or without vN) or key")
async def get_paper(
    resources: ResourcesDep, format: FormatDep,
    id: Annotated[str, Path(description="arXiv id or paper key", examples=["2403.08540", "arxiv-2403.08540"])],
):
    return await respond(resources, format, lambda store: paper_detail(store, id), lambda body: [body.iri])
