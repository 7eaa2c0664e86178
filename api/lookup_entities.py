"""GET /entities (paged; by type and name) and /entities/{id}: aliases, facts, mentions with spans, claims about
the entity, and related entities from the networkx projection."""

from __future__ import annotations

from typing import Annotated

import networkx as nx
from fastapi import APIRouter, Path, Query, Request

from api.deps import ResourcesDep
from api.lookup import FormatDep, PagingDep, claim_summaries, count, iri, literal, make_page, respond, values
from api.lookup_papers import entity_summary
from api.models import PROBLEM_RESPONSES, RDF_VIEWS, EntityDetail, EntitySummary, MentionOut, Page
from api.problems import Conflict, NotFound
from ingest.models import EntityType, Span
from kg.iris import ENTITY_KINDS, key_from_iri, parse_iri
from kg.network import NodeNotFound, neighbourhood
from kg.sparql import PROLOGUE, literal_value
from kg.store import GraphStore

router = APIRouter(tags=["entities"])
MENTIONS_SHOWN = 100
RELATED_SHOWN = 20
_TYPES = "VALUES ?t { %s }" % " ".join(f"cg:{t.value}" for t in EntityType)
_SUMMARIES = PROLOGUE + f"""
SELECT ?entity (SAMPLE(?t) AS ?type) (SAMPLE(?k) AS ?key) (SAMPLE(?n) AS ?name) WHERE {{
  %s {_TYPES} ?entity a ?t ; dcterms:identifier ?k ; rdfs:label ?n
}} GROUP BY ?entity ORDER BY ?entity
"""
_CANDIDATES = PROLOGUE + f"SELECT DISTINCT ?entity WHERE {{ {_TYPES} ?entity dcterms:identifier %s ; a ?t }}"
_ALIASES = PROLOGUE + "SELECT DISTINCT ?alias WHERE { %s skos:altLabel ?alias } ORDER BY ?alias"
_FACTS = PROLOGUE + "SELECT DISTINCT ?name ?value WHERE { %s cg:hasFact ?f . ?f cg:factName ?name ; cg:factValue ?value }"
_MENTIONS = PROLOGUE + """
SELECT DISTINCT ?doc ?start ?end ?exact ?method WHERE {
  ?m a cg:Mention ; cg:refersTo %s ; cg:inDocument ?doc ; cg:hasSpan ?span ; cg:mentionMethod ?method .
  ?span oa:hasSelector [ oa:start ?start ; oa:end ?end ] , [ oa:exact ?exact ] .
} ORDER BY ?doc ?start LIMIT %d
"""


def summaries(store: GraphStore, entities: list[str]) -> list[EntitySummary]:
    return [entity_summary(row) for row in store.select(_SUMMARIES % values("entity", entities))] if entities else []


def _where(type_: EntityType | None, q: str | None) -> str:
    where = f"?entity a cg:{type_.value} ." if type_ else f"{_TYPES} ?entity a ?t ."
    if q:
        where += f" ?entity rdfs:label|skos:altLabel ?label . FILTER(CONTAINS(LCASE(?label), LCASE({literal(q)})))"
    return where


def entities_page(store: GraphStore, where: str, limit: int, offset: int) -> tuple[list[EntitySummary], int]:
    query = PROLOGUE + f"SELECT DISTINCT ?entity WHERE {{ {where} }} ORDER BY ?entity LIMIT {limit} OFFSET {offset}"
    return summaries(store, [row["entity"] for row in store.select(query)]), count(store, "entity", where)


def resolve_entity(store: GraphStore, entity_id: str) -> str:
    """The IRI of the entity with this key (or `<kind>/<key>`, e.g. `model/dbrx`, where keys are shared)."""
    kind, _, key = entity_id.rpartition("/")
    if kind not in ENTITY_KINDS.values():
        kind, key = "", entity_id
    found = sorted(row["entity"] for row in store.select(_CANDIDATES % literal(key)))
    if kind:
        found = [entity for entity in found if parse_iri(entity).kind == kind]
    if not found:
        raise NotFound(f"no entity {entity_id!r}")
    if len(found) > 1:
        choices = [f"{parse_iri(entity).kind}/{key}" for entity in found]
        raise Conflict(f"{key!r} names several entities; ask for one of {', '.join(choices)}", choices=choices)
    return found[0]


def _related(projection: nx.Graph, entity: str) -> list:
    try:
        return neighbourhood(projection, entity, depth=1, limit=RELATED_SHOWN)
    except NodeNotFound:
        return []  # never mentioned beside anything else


def entity_detail(store: GraphStore, projection: nx.Graph, entity_id: str) -> EntityDetail:
    entity = resolve_entity(store, entity_id)
    node = iri(entity)
    key = key_from_iri(entity)
    mentions = [MentionOut(entity=key, document=key_from_iri(r["doc"], "doc"), method=r["method"],
                           span=Span(start=int(r["start"]), end=int(r["end"]), surface=r["exact"]))
                for r in store.select(_MENTIONS % (node, MENTIONS_SHOWN))]
    mentioned = f"?m a cg:Mention ; cg:refersTo {node}"
    return EntityDetail(
        **summaries(store, [entity])[0].model_dump(),
        aliases=[row["alias"] for row in store.select(_ALIASES % node)],
        facts={row["name"].value: literal_value(row["value"]) for row in store.query(_FACTS % node)},
        mentions=mentions, mentions_total=count(store, "m", mentioned),
        claims=claim_summaries(store, f"{{ ?claim cg:subject {node} }} UNION {{ ?claim cg:comparisonTarget {node} }}"
                                      f" UNION {{ ?claim cg:benchmark {node} }}"),
        related=_related(projection, entity),
    )


@router.get("/entities", response_model=Page[EntitySummary], responses={200: RDF_VIEWS, **PROBLEM_RESPONSES},
            summary="Entities, paged; filter by type and by name or alias")
async def list_entities(
    request: Request, resources: ResourcesDep, format: FormatDep, page: PagingDep,
    type: Annotated[EntityType | None, Query(description="Entity type.")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words the name or an alias contains.",
                                   examples=["llama"])] = None,
):
    def build(store: GraphStore) -> Page[EntitySummary]:
        items, total = entities_page(store, _where(type, q), page.limit, page.offset)
        return make_page(request, items, total, page)

    return await respond(resources, format, build, lambda body: [item.iri for item in body.items])


@router.get("/entities/{id:path}", response_model=EntityDetail, responses={200: RDF_VIEWS, **PROBLEM_RESPONSES},
            summary="One entity by key (or kind/key)")
async def get_entity(
    resources: ResourcesDep, format: FormatDep,
    id: Annotated[str, Path(description="Entity key, or kind/key", examples=["dbrx", "model/dbrx"])],
):
    def build(store: GraphStore) -> EntityDetail:
        return entity_detail(store, resources.projection(), id)

    return await respond(resources, format, build, lambda body: [body.iri])
