"""Research entities (label, aliases, reified facts) and their mentions as triples, and entities read back."""

from __future__ import annotations

from bisect import bisect_right

from pyoxigraph import Literal, NamedNode

from ingest.models import Document, Entity, EntityType, Mention, PaperRecord, Span
from kg.iris import document_iri, entity_iri, fact_iri, mention_iri, paper_iri
from kg.ontology import CG, cg, dcterms, rdf, rdfs, skos
from kg.quads import MappingError, QuadSink
from kg.sparql import ENTITIES, ENTITY_ALIASES, ENTITY_FACTS, literal_value
from kg.store import GraphStore

ENTITY_CLASSES: dict[EntityType, NamedNode] = {t: getattr(cg, t.value) for t in EntityType}
_TYPES_BY_CLASS = {str(getattr(CG, t.value)): t for t in EntityType}


class EntityIndex:
    """Resolves the entity keys that mentions and claims use to IRIs, from the file's entities and papers."""

    def __init__(self, entities: list[Entity], papers: list[PaperRecord]) -> None:
        self._nodes = {paper.key: NamedNode(paper_iri(paper.key)) for paper in papers}
        self._nodes.update({e.key: NamedNode(entity_iri(e.key, e.type)) for e in entities})

    def node(self, key: str, context: str) -> NamedNode:
        found = self._nodes.get(key)
        if found is None:
            # a dangling key is an ingest bug; an untyped IRI would hide it
            raise MappingError(f"{context} names entity key {key!r}, defined in this file as neither entity nor paper")
        return found


def add_entity(sink: QuadSink, entity: Entity) -> None:
    node = NamedNode(entity_iri(entity.key, entity.type))
    sink.add(node, rdf.type, ENTITY_CLASSES[entity.type])
    sink.add_text(node, dcterms.identifier, entity.key)
    sink.add_text(node, rdfs.label, entity.name)
    for alias in entity.aliases:
        sink.add_text(node, skos.altLabel, alias)
    for name, value in entity.facts.items():
        fact = NamedNode(fact_iri(node.value, name))
        sink.add(node, cg.hasFact, fact)
        sink.add(fact, rdf.type, cg.Fact)
        sink.add_text(fact, cg.factName, name)
        sink.add(fact, cg.factValue, Literal(value))  # int, float, str -> xsd:integer, xsd:double, xsd:string


class SentenceFinder:
    """Finds the document sentence enclosing a span, by bisection over each document's sentence starts."""

    def __init__(self, documents: list[Document]) -> None:
        self._sentences = {doc.id: sorted(doc.sentences, key=lambda s: s.start) for doc in documents}
        self._starts = {doc_id: [s.start for s in spans] for doc_id, spans in self._sentences.items()}

    def enclosing(self, doc_id: str, span: Span) -> Span | None:
        starts = self._starts.get(doc_id, [])
        i = bisect_right(starts, span.start) - 1
        if i >= 0:
            sentence = self._sentences[doc_id][i]
            if span.end <= sentence.end:
                return sentence
        return None


def add_mentions(sink: QuadSink, mentions: list[Mention], index: EntityIndex, sentences: SentenceFinder) -> None:
    mentioned: set[tuple[str, str]] = set()
    for mention in mentions:
        span = mention.span
        entity = index.node(mention.entity_key, f"mention at {span.start}-{span.end}")
        doc = NamedNode(document_iri(mention.document_id))
        node = NamedNode(mention_iri(sink.source_name, span.start, span.end, mention.entity_key))
        sink.add(node, rdf.type, cg.Mention)
        sink.add(node, cg.refersTo, entity)
        sink.add(node, cg.inDocument, doc)
        sink.add(node, cg.hasSpan, sink.span(span))
        sink.add_text(node, cg.mentionMethod, mention.method)
        sentence = sentences.enclosing(mention.document_id, span)
        if sentence is not None:
            sink.add(node, cg.inSentence, sink.sentence(sentence, doc))
        if (mention.document_id, mention.entity_key) not in mentioned:
            mentioned.add((mention.document_id, mention.entity_key))
            sink.add(doc, cg.mentions, entity)


def entities_from_store(store: GraphStore) -> list[Entity]:
    """Every entity in the store, merged across source files; aliases come back sorted (RDF keeps no order)."""
    rows: dict[str, tuple[str, str, EntityType]] = {}
    for row in store.query(ENTITIES):
        rows[row["entity"].value] = (row["key"].value, row["name"].value, _TYPES_BY_CLASS[row["type"].value])
    aliases: dict[str, set[str]] = {}
    for row in store.query(ENTITY_ALIASES):
        aliases.setdefault(row["entity"].value, set()).add(row["alias"].value)
    facts: dict[str, dict[str, str | float | int]] = {}
    for row in store.query(ENTITY_FACTS):
        facts.setdefault(row["entity"].value, {})[row["name"].value] = literal_value(row["value"])
    return sorted(
        (
            Entity(key=key, name=name, type=kind, aliases=sorted(aliases.get(iri, ())), facts=facts.get(iri, {}))
            for iri, (key, name, kind) in rows.items()
        ),
        key=lambda e: (e.type.value, e.key),
    )

