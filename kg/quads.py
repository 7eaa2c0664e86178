"""QuadSink: collects one source file's quads in that file's named graph, writing each span and sentence once."""

from __future__ import annotations

from pyoxigraph import Literal, NamedNode, Quad

from ingest.models import Span
from kg.iris import graph_iri, selector_iris, sentence_iri, source_iri, span_iri
from kg.ontology import cg, oa, rdf

Object = NamedNode | Literal


class MappingError(ValueError):
    """An ingest record cannot be mapped, e.g. a claim names an entity key the file does not define."""


class QuadSink:
    """Quads of one source file; spans are Web Annotation specific resources with two selectors."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.graph = NamedNode(graph_iri(source_name))
        self.source = NamedNode(source_iri(source_name))
        self.quads: list[Quad] = []
        self._spans: dict[tuple[int, int], NamedNode] = {}
        self._sentences: dict[tuple[int, int], NamedNode] = {}

    def add(self, subject: NamedNode, predicate: NamedNode, obj: Object) -> None:
        self.quads.append(Quad(subject, predicate, obj, self.graph))

    def add_text(self, subject: NamedNode, predicate: NamedNode, value: str | None) -> None:
        if value is not None:
            self.quads.append(Quad(subject, predicate, Literal(value), self.graph))

    def add_integer(self, subject: NamedNode, predicate: NamedNode, value: int | None) -> None:
        if value is not None:
            self.quads.append(Quad(subject, predicate, Literal(value), self.graph))

    def add_double(self, subject: NamedNode, predicate: NamedNode, value: float | None) -> None:
        if value is not None:
            # float() so an int that slipped through still becomes xsd:double, never xsd:integer
            self.quads.append(Quad(subject, predicate, Literal(float(value)), self.graph))

    def span(self, span: Span) -> NamedNode:
        """The span's IRI, emitting its triples the first time this file's graph sees these offsets."""
        key = (span.start, span.end)
        node = self._spans.get(key)
        if node is not None:
            return node
        iri = span_iri(self.source_name, span.start, span.end)
        node = NamedNode(iri)
        position_iri, quote_iri = selector_iris(iri)
        position, quote = NamedNode(position_iri), NamedNode(quote_iri)
        g = self.graph
        self.quads += (
            Quad(node, rdf.type, cg.Span, g),
            Quad(node, oa.hasSource, self.source, g),
            Quad(node, oa.hasSelector, position, g),
            Quad(node, oa.hasSelector, quote, g),
            Quad(position, rdf.type, oa.TextPositionSelector, g),
            Quad(position, oa.start, Literal(span.start), g),
            Quad(position, oa.end, Literal(span.end), g),
            Quad(quote, rdf.type, oa.TextQuoteSelector, g),
            Quad(quote, oa.exact, Literal(span.surface), g),
        )
        self._spans[key] = node
        return node

    def sentence(self, span: Span, document: NamedNode) -> NamedNode:
        """The sentence at these offsets, emitted once with its span and document."""
        key = (span.start, span.end)
        node = self._sentences.get(key)
        if node is not None:
            return node
        node = NamedNode(sentence_iri(self.source_name, span.start, span.end))
        g = self.graph
        self.quads += (
            Quad(node, rdf.type, cg.Sentence, g),
            Quad(node, cg.hasSpan, self.span(span), g),
            Quad(node, cg.inDocument, document, g),
            Quad(document, cg.hasSentence, node, g),
        )
        self._sentences[key] = node
        return node

