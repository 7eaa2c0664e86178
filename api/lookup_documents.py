"""GET /documents/{id}: a document's text with its spans (sentences, title, abstract, mentions, claims), and
GET /stats. Document ids contain a slash ("001_2517cdbbfddb583d/L133") and are written as they are."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.deps import ResourcesDep
from api.lookup import FormatDep, claim_summaries, iri, respond
from api.models import PROBLEM_RESPONSES, RDF_VIEWS, DocumentDetail, MentionOut
from api.problems import NotFound
from ingest.models import Span
from kg.iris import document_iri
from kg.mapping_documents import DOCUMENT_CLASSES
from kg.sparql import PROLOGUE
from kg.stats import GraphStats, graph_stats
from kg.store import GraphStore

router = APIRouter(tags=["documents"])
_KINDS = {str(node.value): kind for kind, node in DOCUMENT_CLASSES.items()}
_SPAN = "%(s)s oa:hasSelector [ oa:start ?%(v)sStart ; oa:end ?%(v)sEnd ] , [ oa:exact ?%(v)sExact ] ."
_DOCUMENT = PROLOGUE + f"""
SELECT ?type ?name ?title ?arxiv ?docStart ?docEnd ?docExact ?titleStart ?titleEnd ?titleExact
       ?abstractStart ?abstractEnd ?abstractExact WHERE {{
  %(d)s a ?type ; prov:wasDerivedFrom/dcterms:identifier ?name ; cg:hasSpan ?span .
  {_SPAN % {"s": "?span", "v": "doc"}}
  OPTIONAL {{ %(d)s dcterms:title ?title }}
  OPTIONAL {{ %(d)s cg:arxivId ?arxiv }}
  OPTIONAL {{ %(d)s cg:titleSpan ?ts . {_SPAN % {"s": "?ts", "v": "title"}} }}
  OPTIONAL {{ %(d)s cg:abstractSpan ?as . {_SPAN % {"s": "?as", "v": "abstract"}} }}
}} LIMIT 1
"""
_SENTENCES = PROLOGUE + f"""
SELECT DISTINCT ?sStart ?sEnd ?sExact WHERE {{ %s cg:hasSentence/cg:hasSpan ?span . {_SPAN % {"s": "?span", "v": "s"}} }}
ORDER BY ?sStart
"""
_MENTIONS = PROLOGUE + f"""
SELECT DISTINCT ?key ?method ?mStart ?mEnd ?mExact WHERE {{
  ?m a cg:Mention ; cg:inDocument %s ; cg:refersTo/dcterms:identifier ?key ; cg:mentionMethod ?method ;
     cg:hasSpan ?span . {_SPAN % {"s": "?span", "v": "m"}}
}} ORDER BY ?mStart ?key
"""


def _span(row: dict[str, str], var: str) -> Span | None:
    if f"{var}Start" not in row:
        return None
    return Span(start=int(row[f"{var}Start"]), end=int(row[f"{var}End"]), surface=row[f"{var}Exact"])


def document_detail(store: GraphStore, document_id: str) -> DocumentDetail:
    node = document_iri(document_id)
    d = iri(node)
    rows = [r for r in store.select(_DOCUMENT % {"d": d}) if r["type"] in _KINDS]
    if not rows:
        raise NotFound(f"no document {document_id!r}; document ids look like 001_2517cdbbfddb583d/L133")
    row = rows[0]
    span = _span(row, "doc")
    return DocumentDetail(
        id=document_id, iri=node, kind=_KINDS[row["type"]], source=row["name"], title=row.get("title"),
        arxiv_id=row.get("arxiv"), text=span.surface, span=span, title_span=_span(row, "title"),
        abstract_span=_span(row, "abstract"),
        sentences=[_span(r, "s") for r in store.select(_SENTENCES % d)],
        mentions=[MentionOut(entity=r["key"], document=document_id, method=r["method"], span=_span(r, "m"))
                  for r in store.select(_MENTIONS % d)],
        claims=claim_summaries(store, f"?claim prov:wasDerivedFrom {d} ."),
    )


@router.get("/documents/{id:path}", response_model=DocumentDetail, responses={200: RDF_VIEWS, **PROBLEM_RESPONSES},
            summary="One document's text and spans")
async def get_document(
    resources: ResourcesDep, format: FormatDep,
    id: Annotated[str, Path(description="Document id", examples=["001_2517cdbbfddb583d/L133"])],
):
    return await respond(resources, format, lambda store: document_detail(store, id), lambda body: [body.iri])


@router.get("/stats", response_model=GraphStats, responses=PROBLEM_RESPONSES, tags=["stats"],
            summary="Counts of documents, papers, entities, claims and triples")
async def get_stats(resources: ResourcesDep) -> GraphStats:
    return await resources.runner.run(lambda limits: graph_stats(resources.store))
