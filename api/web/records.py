"""Paper, entity and document pages, and the paper and entity indexes: the REST look-ups' bodies, shown with
their mentions marked in the text and their neighbourhood in the co-mention/citation graph drawn as SVG."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from api.deps import ResourcesDep
from api.lookup_documents import document_detail
from api.lookup_entities import _where as entity_filter
from api.lookup_entities import entities_page, entity_detail
from api.lookup_papers import _where as paper_filter
from api.lookup_papers import paper_detail, paper_key, papers_page
from api.models import DocumentDetail, EntityDetail, MentionOut, PaperDetail
from api.problems import BadRequest
from api.resources import Resources
from api.web.charts import NODE_COLOURS, neighbourhood_svg
from api.web.errors import PageRoute
from api.web.templating import claim_url, render
from api.web.text import Mark, annotate
from api.web.views import WebViews, views
from ingest.models import EntityType
from kg.iris import paper_iri
from kg.network import NodeNotFound, neighbourhood

router = APIRouter(route_class=PageRoute, include_in_schema=False)
INDEX_PAGE = 50
SNIPPET = 70  # characters of context either side of a mention
Text = Annotated[str, Query(max_length=200)]
Offset = Annotated[int, Query(ge=0, le=10**9)]


def _mention_marks(mentions: list[MentionOut]) -> list[Mark]:
    return [Mark(m.span.start, m.span.end, "a", {"class": "mention", "href": f"/ui/entities/{quote(m.entity)}",
                                                  "title": m.entity}, 3) for m in mentions]


def _claim_marks(verdicts: dict[str, str], claims) -> list[Mark]:
    marks = []
    for c in claims:
        try:  # claim ids end in c<start>-<end>, the claim's span
            start, end = (int(part) for part in c.id.rsplit("/c", 1)[1].split("-"))
        except (IndexError, ValueError):
            continue
        verdict = verdicts.get(c.id, "unverified")
        marks.append(Mark(start, end, "a", {"class": f"claim v-{verdict}", "href": claim_url(c.id),
                                            "title": f"{c.quantity}: {verdict.replace('_', ' ')}"}, 2))
    return marks


def _highlight(hl: str, doc: DocumentDetail) -> tuple[int, int] | None:
    if not hl:
        return None
    try:
        start, end = (int(part) for part in hl.split("-", 1))
    except ValueError as error:
        raise BadRequest(f"hl must be <start>-<end> offsets, got {hl!r}") from error
    if not doc.span.start <= start < end <= doc.span.end:
        raise BadRequest(f"hl {start}-{end} is outside the document ({doc.span.start}-{doc.span.end})")
    return start, end


@dataclass(frozen=True)
class DocumentPage:
    doc: DocumentDetail
    body: Markup
    highlight: tuple[int, int] | None
    verdicts: dict[str, str]


def document_page(resources: Resources, web: WebViews, document_id: str, hl: str) -> DocumentPage:
    doc = document_detail(resources.store, document_id)
    highlight = _highlight(hl, doc)
    verdicts = {r.claim.id: r.verdict for r in web.claim_rows(resources)}
    marks = _mention_marks(doc.mentions) + _claim_marks(verdicts, doc.claims)
    if doc.title_span:
        marks.append(Mark(doc.title_span.start, doc.title_span.end, "strong", {"class": "doc-title"}, 5))
    if highlight:
        marks.append(Mark(*highlight, "mark", {"id": "hl", "class": "quote", "tabindex": "-1"}, 0))
    return DocumentPage(doc, annotate(doc.text, doc.span.start, marks), highlight, verdicts)


@dataclass(frozen=True)
class EntityPage:
    entity: EntityDetail
    graph: Markup
    snippets: list[tuple[MentionOut, Markup]]
    verdicts: dict[str, str]


def _snippet(web: WebViews, resources: Resources, source: str, m: MentionOut) -> Markup:
    text = web.source_text(resources, source)
    if text is None or text[m.span.start:m.span.end] != m.span.surface:
        return annotate(m.span.surface, m.span.start, [Mark(m.span.start, m.span.end, "mark", {})])
    low, high = max(m.span.start - SNIPPET, 0), min(m.span.end + SNIPPET, len(text))
    body = annotate(text[low:high].replace("\n", " "), low, [Mark(m.span.start, m.span.end, "mark", {})])
    return Markup(("…" if low else "") + body + ("…" if high < len(text) else ""))


def entity_page(resources: Resources, web: WebViews, entity_id: str) -> EntityPage:
    entity = entity_detail(resources.store, resources.projection(), entity_id)
    sources = {r.claim.document: r.source for r in web.claim_rows(resources)}
    snippets = [(m, _snippet(web, resources, sources.get(m.document) or m.document.split("/")[0] + ".txt", m))
                for m in entity.mentions]
    verdicts = {r.claim.id: r.verdict for r in web.claim_rows(resources)}
    return EntityPage(entity, neighbourhood_svg(entity.name, entity.type.value, entity.related), snippets, verdicts)


@dataclass(frozen=True)
class PaperPage:
    paper: PaperDetail
    abstract: Markup | None
    graph: Markup
    related: list
    verdicts: dict[str, str]


def paper_page(resources: Resources, web: WebViews, paper_id: str) -> PaperPage:
    paper = paper_detail(resources.store, paper_id)
    presenting = [s.document for s in paper.sources if s.role == "presents"]
    abstract = None
    if presenting:
        doc = document_detail(resources.store, presenting[0])
        if doc.abstract_span:
            span = doc.abstract_span
            abstract = annotate(span.surface, span.start, _mention_marks(doc.mentions))
    try:
        related = neighbourhood(resources.projection(), paper_iri(paper_key(paper_id)), depth=1, limit=20)
    except NodeNotFound:
        related = []
    verdicts = {r.claim.id: r.verdict for r in web.claim_rows(resources)}
    title = paper.title or paper.id
    return PaperPage(paper, abstract, neighbourhood_svg(title, "Paper", related), related, verdicts)


@router.get("/ui/documents/{id:path}", response_class=HTMLResponse, name="ui_document")
async def document(request: Request, resources: ResourcesDep, id: Annotated[str, Path()], hl: Text = "") -> HTMLResponse:
    page = await resources.runner.run(lambda limits: document_page(resources, views(request), id, hl))
    return render(request, "document.html", page=page)


@router.get("/ui/entities", response_class=HTMLResponse, name="ui_entities")
async def entities(request: Request, resources: ResourcesDep, type: Text = "", q: Text = "",
                   offset: Offset = 0) -> HTMLResponse:
    chosen = next((t for t in EntityType if t.value == type), None)
    where = entity_filter(chosen, q.strip() or None)
    items, total = await resources.runner.run(
        lambda limits: entities_page(resources.store, where, INDEX_PAGE, offset))
    return render(request, "entities.html", items=items, total=total, type=type, q=q, offset=offset,
                  limit=INDEX_PAGE, types=[t.value for t in EntityType], colours=NODE_COLOURS)


@router.get("/ui/entities/{id:path}", response_class=HTMLResponse, name="ui_entity")
async def entity(request: Request, resources: ResourcesDep, id: Annotated[str, Path()]) -> HTMLResponse:
    page = await resources.runner.run(lambda limits: entity_page(resources, views(request), id))
    return render(request, "entity.html", page=page, colours=NODE_COLOURS)


@router.get("/ui/papers", response_class=HTMLResponse, name="ui_papers")
async def papers(request: Request, resources: ResourcesDep, q: Text = "", offset: Offset = 0) -> HTMLResponse:
    where = paper_filter(q.strip() or None, None)
    items, total = await resources.runner.run(lambda limits: papers_page(resources.store, where, INDEX_PAGE, offset))
    return render(request, "papers.html", items=items, total=total, q=q, offset=offset, limit=INDEX_PAGE)


@router.get("/ui/papers/{id:path}", response_class=HTMLResponse, name="ui_paper")
async def paper(request: Request, resources: ResourcesDep, id: Annotated[str, Path()]) -> HTMLResponse:
    page = await resources.runner.run(lambda limits: paper_page(resources, views(request), id))
    return render(request, "paper.html", page=page, colours=NODE_COLOURS)
